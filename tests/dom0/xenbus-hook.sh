# Test hook (tests/dom0/boot_xen.py; init sources it before the status hook): asks dom0's
# kernel for a sysrq through the store. The kernel hears its control/sysrq watch over the
# ring keel-xenstored serves, clears the node in a transaction and handles the key
# (drivers/xen/manage.c). Waits up to 10 s for the node to be cleared.
xenstore-write /local/domain/0/control/sysrq h
n=100
while [ "$n" -gt 0 ] && [ -n "$(xenstore-read /local/domain/0/control/sysrq 2>/dev/null)" ]; do
	n=$((n - 1))
	usleep 100000
done
if [ "$n" -gt 0 ]; then report sysrq cleared; else report sysrq "not cleared"; fi
