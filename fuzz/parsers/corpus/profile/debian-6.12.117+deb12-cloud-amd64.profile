# modharness kernel profile (modharness gen --profile FILE); extracted from xt_comment.ko.xz
# package: linux-image-6.12.117+deb12-cloud-amd64-unsigned 6.12.117-1~deb12u1 (lib/modules/6.12.117+deb12-cloud-amd64/kernel/net/netfilter/xt_comment.ko.xz)
release 6.12.117+deb12-cloud-amd64
vermagic "6.12.117+deb12-cloud-amd64 SMP preempt mod_unload modversions "
this_module_size 1280
init_offset 312
exit_offset 1200
ibt 1
rethunk 1
retpoline 1
source xt_comment.ko.xz
crc xt_unregister_match 0xe7d9d0df
crc __fentry__ 0xbdfb6dbb
crc __x86_return_thunk 0x5b8239ca
crc xt_register_match 0x082759db
crc module_layout 0x2f9b2b9a
