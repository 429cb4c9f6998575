# modharness kernel profile (modharness gen --profile FILE); extracted from xt_comment.ko
# package: linux-image-6.1.0-56-cloud-amd64-unsigned 6.1.192-2 (lib/modules/6.1.0-56-cloud-amd64/kernel/net/netfilter/xt_comment.ko)
release 6.1.0-56-cloud-amd64
vermagic "6.1.0-56-cloud-amd64 SMP preempt mod_unload modversions "
this_module_size 896
init_offset 312
exit_offset 848
ibt 0
rethunk 1
retpoline 1
source xt_comment.ko
crc __fentry__ 0xbdfb6dbb
crc __x86_return_thunk 0x5b8239ca
crc xt_register_match 0xf1e562be
crc xt_unregister_match 0xf1ec4d86
crc module_layout 0xa351f379
