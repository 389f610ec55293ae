build-dev/obj/examples/gfx_demo_client.o: examples/gfx_demo_client.c \
 build-dev/gen/presentation-time-client-protocol.h \
 build-dev/gen/xdg-decoration-unstable-v1-client-protocol.h \
 build-dev/gen/xdg-shell-client-protocol.h
build-dev/gen/presentation-time-client-protocol.h:
build-dev/gen/xdg-decoration-unstable-v1-client-protocol.h:
build-dev/gen/xdg-shell-client-protocol.h:
