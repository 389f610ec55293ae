build-dev/obj/device/gfx_ctl.o: device/gfx_ctl.c
