#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Keel's packages in an installed Debian root (tests/install/make-root.sh): installing them
# prepares the installed kernel as dom0 and update-grub writes the Keel entries, checked by
# parsing grub.cfg (tests/install/grub_cfg.py); a kernel installed and removed afterwards
# gains and loses its entry through the kernel hooks; removal leaves plain Debian entries only,
# purge removes /etc/keel and the state. Usage: grub_entries_test.sh DEB_DIR ROOT
set -uo pipefail
debs=$(realpath "$1") root=$(realpath "$2")
here=$(dirname "$(realpath "$0")")
fail=0
check() { if eval "$2"; then echo "PASS $1"; else echo "FAIL $1"; fail=1; fi; }
in_root() { chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive "$@"; }
cfg() { python3 "$here/grub_cfg.py" "$root/boot/grub/grub.cfg" "$@"; }

mounted=()
cleanup() {
	rm -rf "$root/tmp/debs"
	for m in "${mounted[@]}"; do umount -l "$m" || true; done
}
trap cleanup EXIT
for fs in proc sys dev; do
	mount --bind "/$fs" "$root/$fs"
	mounted=("$root/$fs" "${mounted[@]}")
done
# A previous run that stopped half-way leaves nothing behind.
in_root dpkg --purge keel keel-hypervisor >/dev/null 2>&1
kernel=$(cd "$root/boot" && ls vmlinuz-* | sed 's/^vmlinuz-//' | sort -V | tail -n 1)
new=${kernel%%-*}-99999-amd64  # a newer kernel, for the upgrade
in_root update-grub >/dev/null 2>&1
check "baseline: plain Debian entries, no Keel entry" "cfg count-keel 0 && cfg has-title 'Debian GNU/Linux'"

mkdir -p "$root/tmp/debs"
cp "$debs"/keel_*.deb "$debs"/keel-hypervisor_*.deb "$root/tmp/debs/"
# apt resolves the packages' dependencies against Debian's archive (make-root.sh installed
# them, so nothing is downloaded; Recommends, qemu-system-xen among them, are left out).
pkgs=$(cd "$root/tmp/debs" && ls ./*.deb | sed 's|^\./|/tmp/debs/|')
# shellcheck disable=SC2086 # one word per package file
in_root apt-get install -y -q --no-install-recommends $pkgs >"$root.install.log" 2>&1
rc=$?
check "both packages install with their dependencies" "[ $rc -eq 0 ] || { tail -20 '$root.install.log'; false; }"
check "postinst prepared $kernel as dom0 ($(stat -c %s "$root/boot/keel/vmlinux-$kernel.gz" 2>/dev/null) bytes)" \
	"[ \"\$(gzip -dc '$root/boot/keel/vmlinux-$kernel.gz' 2>/dev/null | head -c 4 | tail -c 3)\" = ELF ]"
check "postinst ran update-grub: one entry per kernel plus the default one" "cfg count-keel 2"
check "the default entry boots the newest kernel" \
	"cfg entry 'Debian GNU/Linux, with Keel' --kernel $kernel --mem 1024M --vcpus 2 --cmdline-has 'root=/dev/' --cmdline-has console=hvc0"
check "the kernel command line carries GRUB_CMDLINE_LINUX_DEFAULT (quiet)" \
	"cfg entry 'Debian GNU/Linux, with Keel' --kernel $kernel --cmdline-has quiet"
check "the hypervisor's module parser takes every generated module line" "cfg parse-modules"
check "every menu entry has its own id" "cfg unique-ids"
check "GRUB's own parser accepts the configuration" "grub-script-check '$root/boot/grub/grub.cfg'"
check "units and config installed" \
	"[ -f '$root/lib/systemd/system/keel-controld.service' ] && [ -f '$root/etc/keel/controld.conf' ] && [ -f '$root/usr/lib/modules-load.d/keel.conf' ]"
check "keel-controld is enabled for boot" "[ -L '$root/etc/systemd/system/multi-user.target.wants/keel-controld.service' ]"

# Settings from /etc/default/keel and /etc/default/grub reach the entries.
cp "$root/etc/default/keel" "$root/etc/default/keel.keep"
sed -i 's/^KEEL_DOM0_MEM=.*/KEEL_DOM0_MEM="2G"/; s/^KEEL_DOM0_VCPUS=.*/KEEL_DOM0_VCPUS="4"/; s/^KEEL_CMDLINE=.*/KEEL_CMDLINE="maxcpus=8"/' "$root/etc/default/keel"
cp "$root/etc/default/grub" "$root/etc/default/grub.keep"
sed -i 's/^GRUB_CMDLINE_LINUX=.*/GRUB_CMDLINE_LINUX="net.ifnames=0"/' "$root/etc/default/grub"
in_root update-grub >/dev/null 2>&1
check "KEEL_DOM0_MEM, KEEL_DOM0_VCPUS, KEEL_CMDLINE and GRUB_CMDLINE_LINUX in the entry" \
	"cfg entry 'Debian GNU/Linux, with Keel' --kernel $kernel --mem 2G --vcpus 4 --keel-has maxcpus=8 --cmdline-has net.ifnames=0"
sed -i 's/^KEEL_DOM0_VCPUS=.*/KEEL_DOM0_VCPUS="12"/' "$root/etc/default/keel"
in_root update-grub >"$root.grub.log" 2>&1
check "a bad KEEL_DOM0_VCPUS writes no Keel entry and says why" "cfg count-keel 0 && grep -q 'KEEL_DOM0_VCPUS' '$root.grub.log'"
mv "$root/etc/default/keel.keep" "$root/etc/default/keel"
mv "$root/etc/default/grub.keep" "$root/etc/default/grub"

# A kernel upgrade, as the kernel package's postinst runs its hooks (INITRD=No: this copy
# of the kernel has no modules to build an initramfs from; its initrd is copied).
cp "$root/boot/vmlinuz-$kernel" "$root/boot/vmlinuz-$new"
cp "$root/boot/initrd.img-$kernel" "$root/boot/initrd.img-$new"
hooks() { in_root env INITRD=No DEB_MAINT_PARAMS="$2" run-parts --exit-on-error --arg="$new" --arg="/boot/vmlinuz-$new" "/etc/kernel/$1.d"; }
hooks postinst configure >/dev/null 2>&1
# Debian's zz-update-grub skips inside a container (systemd-detect-virt), as here; on a host
# it runs update-grub after Keel's hook.
in_root update-grub >/dev/null 2>&1
check "the kernel hook prepared the new kernel" "[ -f '$root/boot/keel/vmlinux-$new.gz' ]"
check "after the upgrade the default entry boots the new kernel, with its initrd" \
	"cfg entry 'Debian GNU/Linux, with Keel' --kernel $new --initrd initrd.img-$new && cfg count-keel 3"
rm "$root/boot/vmlinuz-$new" "$root/boot/initrd.img-$new"
hooks postrm remove >/dev/null 2>&1
in_root update-grub >/dev/null 2>&1
check "removing that kernel removes its dom0 image and entry" \
	"[ ! -e '$root/boot/keel/vmlinux-$new.gz' ] && cfg count-keel 2 && cfg entry 'Debian GNU/Linux, with Keel' --kernel $kernel"

# State a running host would have made.
mkdir -p "$root/var/lib/keel/images" "$root/etc/keel/tls"
touch "$root/var/lib/keel/xenstored.db" "$root/etc/keel/tls/controld.crt"
in_root apt-get remove -y -q keel keel-hypervisor >/dev/null 2>&1
check "removal: plain Debian entries only, /boot/keel gone, the kernel kept" \
	"cfg count-keel 0 && cfg has-title 'Debian GNU/Linux' && [ ! -e '$root/boot/keel' ] && [ ! -e '$root/boot/keel.elf' ] && [ -f '$root/boot/vmlinuz-$kernel' ]"
check "removal keeps configuration and state" "[ -f '$root/etc/keel/controld.conf' ] && [ -f '$root/var/lib/keel/xenstored.db' ]"
in_root dpkg --purge keel keel-hypervisor >/dev/null 2>&1
check "purge removes /etc/keel, /var/lib/keel and /etc/default/keel" \
	"[ ! -e '$root/etc/keel' ] && [ ! -e '$root/var/lib/keel' ] && [ ! -e '$root/etc/default/keel' ] && [ ! -e '$root/etc/grub.d/21_keel' ]"
in_root update-grub >/dev/null 2>&1
check "after purge update-grub still writes the plain Debian entries" "cfg count-keel 0 && cfg has-title 'Debian GNU/Linux'"
exit $fail
