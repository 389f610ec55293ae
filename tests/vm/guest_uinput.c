/* SPDX-License-Identifier: MIT */
/*
 * guest_uinput.c - gfx-vm-uinput: a virtual keyboard and a virtual mouse
 * made through uinput with libevdev, driven line by line from stdin, for the
 * VM test of gfx-compositor's evdev input (tests/vm/guest.sh).
 *
 *   create            make both devices; prints "devices KBD_NODE PTR_NODE"
 *   key CODE VALUE    EV_KEY on the keyboard, then SYN_REPORT
 *   btn CODE VALUE    EV_KEY on the mouse, then SYN_REPORT
 *   rel DX DY         REL_X and REL_Y on the mouse in one report
 *   wheel N           REL_WHEEL on the mouse
 *   destroy           remove both devices (a hot-unplug)
 *   quit              (or end of input) remove what exists and exit
 *
 * Every command answers one line: "ok ..." or "error ...". Needs /dev/uinput
 * (modprobe uinput) and root.
 */
#include <errno.h>
#include <libevdev/libevdev.h>
#include <libevdev/libevdev-uinput.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct libevdev_uinput *kbd, *ptr;

static int make(const char *name, int pointer, struct libevdev_uinput **out)
{
	struct libevdev *dev = libevdev_new();
	int r;

	if (!dev)
		return -ENOMEM;
	libevdev_set_name(dev, name);
	libevdev_set_id_bustype(dev, BUS_VIRTUAL);
	libevdev_set_id_vendor(dev, 0x1af4);
	libevdev_set_id_product(dev, pointer ? 2 : 1);
	libevdev_enable_event_type(dev, EV_KEY);
	if (pointer) {
		libevdev_enable_event_code(dev, EV_KEY, BTN_LEFT, NULL);
		libevdev_enable_event_code(dev, EV_KEY, BTN_RIGHT, NULL);
		libevdev_enable_event_code(dev, EV_KEY, BTN_MIDDLE, NULL);
		libevdev_enable_event_type(dev, EV_REL);
		libevdev_enable_event_code(dev, EV_REL, REL_X, NULL);
		libevdev_enable_event_code(dev, EV_REL, REL_Y, NULL);
		libevdev_enable_event_code(dev, EV_REL, REL_WHEEL, NULL);
	} else {
		for (unsigned c = KEY_ESC; c <= KEY_MICMUTE; c++)
			libevdev_enable_event_code(dev, EV_KEY, c, NULL);
		libevdev_enable_event_type(dev, EV_REP);
	}
	r = libevdev_uinput_create_from_device(dev, LIBEVDEV_UINPUT_OPEN_MANAGED, out);
	libevdev_free(dev);	/* the uinput device keeps its own copy */
	return r;
}

static int emit(struct libevdev_uinput *u, unsigned type, unsigned code, int value)
{
	return libevdev_uinput_write_event(u, type, code, value);
}

static int syn(struct libevdev_uinput *u)
{
	return libevdev_uinput_write_event(u, EV_SYN, SYN_REPORT, 0);
}

static void destroy(void)
{
	if (kbd)
		libevdev_uinput_destroy(kbd);
	if (ptr)
		libevdev_uinput_destroy(ptr);
	kbd = ptr = NULL;
}

int main(void)
{
	char line[256], cmd[32];
	int a, b, r;

	setvbuf(stdout, NULL, _IOLBF, 0);
	while (fgets(line, sizeof(line), stdin)) {
		a = b = 0;
		if (sscanf(line, "%31s %d %d", cmd, &a, &b) < 1)
			continue;
		if (!strcmp(cmd, "quit"))
			break;
		if (!strcmp(cmd, "create")) {
			if (kbd || ptr) {
				printf("error devices exist\n");
				continue;
			}
			r = make("gfx-vm-uinput keyboard", 0, &kbd);
			if (r == 0)
				r = make("gfx-vm-uinput mouse", 1, &ptr);
			if (r < 0) {
				printf("error uinput: %s\n", strerror(-r));
				destroy();
				continue;
			}
			const char *kn = libevdev_uinput_get_devnode(kbd);
			const char *pn = libevdev_uinput_get_devnode(ptr);
			printf("devices %s %s\n", kn ? kn : "?", pn ? pn : "?");
			continue;
		}
		if (!strcmp(cmd, "destroy")) {
			destroy();
			printf("ok destroyed\n");
			continue;
		}
		if (!kbd || !ptr) {
			printf("error no devices (create first)\n");
			continue;
		}
		if (!strcmp(cmd, "key"))
			r = emit(kbd, EV_KEY, a, b) ?: syn(kbd);
		else if (!strcmp(cmd, "btn"))
			r = emit(ptr, EV_KEY, a, b) ?: syn(ptr);
		else if (!strcmp(cmd, "rel"))
			r = emit(ptr, EV_REL, REL_X, a) ?: emit(ptr, EV_REL, REL_Y, b) ?: syn(ptr);
		else if (!strcmp(cmd, "wheel"))
			r = emit(ptr, EV_REL, REL_WHEEL, a) ?: syn(ptr);
		else {
			printf("error unknown command %s\n", cmd);
			continue;
		}
		if (r < 0)
			printf("error %s: %s\n", cmd, strerror(-r));
		else
			printf("ok %s\n", cmd);
	}
	destroy();
	return 0;
}
