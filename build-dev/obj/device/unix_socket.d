build-dev/obj/device/unix_socket.o: device/unix_socket.c \
 device/unix_socket.h
device/unix_socket.h:
