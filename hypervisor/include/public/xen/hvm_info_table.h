/* SPDX-License-Identifier: MIT */
/*
 * The HVM information table Xen's toolstack leaves for hvmloader (Xen's
 * public/hvm/hvm_info_table.h): at guest-physical 0x9F800, 48 bytes.
 *   @0  char signature[8]    "HVM INFO"
 *   @8  u32  length           48
 *   @12 u8   checksum         all 48 bytes sum to 0
 *   @13 u8   apic_mode        1: the guest has local APICs and an IO-APIC
 *   @14 u8   pad[2]
 *   @16 u32  nr_vcpus
 *   @20 u32  low_mem_pgend    first page frame past the RAM below 4 GiB
 *   @24 u32  reserved_mem_pgstart  first frame of the toolstack's special pages
 *   @28 u32  high_mem_pgend   first frame past the RAM above 4 GiB (0: none)
 *   @32 u8   vcpu_online[16]  bit n: vCPU n is online at boot
 */
#ifndef KEEL_PUBLIC_XEN_HVM_INFO_TABLE_H
#define KEEL_PUBLIC_XEN_HVM_INFO_TABLE_H

#include <stdint.h>

#define HVM_INFO_PADDR 0x9f800

struct hvm_info_table {
	char signature[8];
	uint32_t length;
	uint8_t checksum;
	uint8_t apic_mode;
	uint8_t pad[2];
	uint32_t nr_vcpus;
	uint32_t low_mem_pgend;
	uint32_t reserved_mem_pgstart;
	uint32_t high_mem_pgend;
	uint8_t vcpu_online[16];
};

_Static_assert(sizeof(struct hvm_info_table) == 48, "hvm_info_table is 48 bytes");

#endif
