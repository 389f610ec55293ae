build-dev/obj/tests/compositor_test_client.o: \
 tests/compositor_test_client.c \
 build-dev/gen/presentation-time-client-protocol.h \
 build-dev/gen/viewporter-client-protocol.h \
 build-dev/gen/xdg-decoration-unstable-v1-client-protocol.h \
 build-dev/gen/xdg-shell-client-protocol.h
build-dev/gen/presentation-time-client-protocol.h:
build-dev/gen/viewporter-client-protocol.h:
build-dev/gen/xdg-decoration-unstable-v1-client-protocol.h:
build-dev/gen/xdg-shell-client-protocol.h:
