/* SPDX-License-Identifier: MIT */
#ifndef KEEL_EMU_H
#define KEEL_EMU_H

/* Asks an emulator (Bochs or QEMU with isa-debug-exit) to power off; returns if none did. */
void emu_poweroff(void);

#endif
