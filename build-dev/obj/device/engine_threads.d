build-dev/obj/device/engine_threads.o: device/engine_threads.c \
 device/engine_threads.h
device/engine_threads.h:
