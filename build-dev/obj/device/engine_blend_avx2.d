build-dev/obj/device/engine_blend_avx2.o: device/engine_blend_avx2.c \
 device/engine_blend_avx2.h
device/engine_blend_avx2.h:
