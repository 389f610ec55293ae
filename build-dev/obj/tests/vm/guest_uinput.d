build-dev/obj/tests/vm/guest_uinput.o: tests/vm/guest_uinput.c \
 /usr/include/libevdev-1.0/libevdev/libevdev.h \
 /usr/include/libevdev-1.0/libevdev/libevdev-uinput.h
/usr/include/libevdev-1.0/libevdev/libevdev.h:
/usr/include/libevdev-1.0/libevdev/libevdev-uinput.h:
