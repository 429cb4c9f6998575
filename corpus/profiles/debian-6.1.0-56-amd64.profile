# modharness kernel profile (modharness gen --profile FILE); extracted from xt_comment.ko
# package: linux-image-6.1.0-56-amd64-unsigned 6.1.192-2 (lib/modules/6.1.0-56-amd64/kernel/net/netfilter/xt_comment.ko)
release 6.1.0-56-amd64
vermagic "6.1.0-56-amd64 SMP preempt mod_unload modversions "
this_module_size 896
init_offset 312
exit_offset 848
ibt 0
rethunk 1
retpoline 1
source xt_comment.ko
crc __fentry__ 0xbdfb6dbb
crc __x86_return_thunk 0x5b8239ca
crc xt_register_match 0xb495d351
crc xt_unregister_match 0x1e87324f
crc module_layout 0x9060323f
