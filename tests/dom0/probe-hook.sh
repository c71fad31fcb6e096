# SPDX-License-Identifier: MIT
# dom0.d hook of the dom0 emulator test (sourced by dom0/init after the daemons): hypercalls
# dom0 could get wrong, then dom0 reading and writing host memory that is not its own: the top
# of host RAM holds Keel's first allocations (stacks, page tables, domain structures), reserved
# in dom0's memory map and absent from its EPT: reads return all ones, writes are dropped, and
# Keel goes on. (Keel's image at 2 MiB is reserved too, but Linux keeps /dev/mem from reserved
# ranges that begin below 1 MiB.)
/usr/libexec/keel/hypercall-probe
for addr in 0x7ffef000 0x7fe00000; do
	before=$(devmem "$addr" 32)
	devmem "$addr" 32 0x5a5a5a5a
	after=$(devmem "$addr" 32)
	echo "dom0-probe: host memory $addr reads $before, after a write $after"
done
echo "dom0-probe: memory done"
# dom0's own kernel and tools see the store keel-xenstored serves.
xenstore-ls /local/domain/0 | sed 's/^/dom0-probe: xenstore-ls: /'
