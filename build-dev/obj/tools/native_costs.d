build-dev/obj/tools/native_costs.o: tools/native_costs.c
