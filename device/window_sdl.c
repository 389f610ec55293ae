// SPDX-License-Identifier: MIT
/*
 * window_sdl.c - shows the scanout in an SDL2 window and feeds its keyboard
 * and mouse into the input FIFO.
 *
 * All SDL calls happen on the window's own thread, which presents at each
 * vblank. SDL scancodes are USB HID usages; they map to evdev codes with
 * the same table the kernel's hid-input uses.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "window.h"

#ifndef HAVE_SDL2

struct window_output *window_output_create(struct device *d, char *err, size_t err_len)
{
	snprintf(err, err_len, "gfx-device was built without SDL2 (install libsdl2-dev and rebuild)");
	return NULL;
}

void window_output_vblank(struct window_output *w)
{
}

void window_output_destroy(struct window_output *w)
{
}

#else

#include <SDL.h>
#include <signal.h>
#include <unistd.h>
#include <linux/input-event-codes.h>

#include "engine.h"
#include "input.h"

struct window_output {
	struct device *d;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool frame_due;
	bool stop;
	int init_result;	/* 0 pending, 1 ok, -1 failed */
	char err[256];
};

/* USB HID usage (SDL scancode) -> evdev KEY_*, from the kernel's hid-input table. */
static const uint8_t hid_to_evdev[0x68] = {
	0, 0, 0, 0, 30, 48, 46, 32, 18, 33, 34, 35, 23, 36, 37, 38,
	50, 49, 24, 25, 16, 19, 31, 20, 22, 47, 17, 45, 21, 44, 2, 3,
	4, 5, 6, 7, 8, 9, 10, 11, 28, 1, 14, 15, 57, 12, 13, 26,
	27, 43, 43, 39, 40, 41, 51, 52, 53, 58, 59, 60, 61, 62, 63, 64,
	65, 66, 67, 68, 87, 88, 99, 70, 119, 110, 102, 104, 111, 107, 109, 106,
	105, 108, 103, 69, 98, 55, 74, 78, 96, 79, 80, 81, 75, 76, 77, 71,
	72, 73, 82, 83, 86, 127, 116, 117,
};

static const uint8_t hid_modifiers_to_evdev[8] = {
	KEY_LEFTCTRL, KEY_LEFTSHIFT, KEY_LEFTALT, KEY_LEFTMETA,
	KEY_RIGHTCTRL, KEY_RIGHTSHIFT, KEY_RIGHTALT, KEY_RIGHTMETA,
};

static int scancode_to_evdev(SDL_Scancode sc)
{
	if (sc < (int)sizeof(hid_to_evdev))
		return hid_to_evdev[sc];
	if (sc >= SDL_SCANCODE_LCTRL && sc <= SDL_SCANCODE_RGUI)
		return hid_modifiers_to_evdev[sc - SDL_SCANCODE_LCTRL];
	return 0;
}

static uint32_t sdl_format(uint32_t fourcc)
{
	switch (fourcc) {
	case GFX_FMT_XRGB8888: return SDL_PIXELFORMAT_RGB888;
	case GFX_FMT_ARGB8888: return SDL_PIXELFORMAT_ARGB8888;
	case GFX_FMT_XBGR8888: return SDL_PIXELFORMAT_BGR888;
	case GFX_FMT_ABGR8888: return SDL_PIXELFORMAT_ABGR8888;
	case GFX_FMT_RGB565: return SDL_PIXELFORMAT_RGB565;
	default: return SDL_PIXELFORMAT_UNKNOWN;
	}
}

static void handle_event(struct window_output *w, const SDL_Event *ev)
{
	struct device *d = w->d;
	int code;

	switch (ev->type) {
	case SDL_QUIT:
		atomic_store(&d->quit, true);
		kill(getpid(), SIGTERM);	/* wake the main loop */
		break;
	case SDL_KEYDOWN:
	case SDL_KEYUP:
		code = scancode_to_evdev(ev->key.keysym.scancode);
		if (code)
			input_key(d, (uint16_t)code, ev->type == SDL_KEYDOWN ? (ev->key.repeat ? 2 : 1) : 0);
		break;
	case SDL_MOUSEMOTION:
		input_pointer(d, ev->motion.x, ev->motion.y);
		break;
	case SDL_MOUSEBUTTONDOWN:
	case SDL_MOUSEBUTTONUP:
		code = ev->button.button == SDL_BUTTON_LEFT ? BTN_LEFT :
		       ev->button.button == SDL_BUTTON_RIGHT ? BTN_RIGHT :
		       ev->button.button == SDL_BUTTON_MIDDLE ? BTN_MIDDLE : 0;
		if (code)
			input_key(d, (uint16_t)code, ev->type == SDL_MOUSEBUTTONDOWN);
		break;
	case SDL_MOUSEWHEEL:
		if (ev->wheel.y)
			input_wheel(d, ev->wheel.y);
		break;
	}
}

static void present(struct window_output *w, SDL_Renderer *renderer, SDL_Texture **texture,
		    uint32_t *texture_format)
{
	struct device *d = w->d;
	struct scanout so = device_scanout(d);
	uint32_t offset = so.offset, stride = so.stride, format = so.format;
	uint32_t bpp = engine_format_bpp(format);

	SDL_SetRenderDrawColor(renderer, 0, 0, 0, 255);
	SDL_RenderClear(renderer);
	if (offset && bpp && stride >= d->cfg.width * bpp &&
	    (uint64_t)offset + (uint64_t)(d->cfg.height - 1) * stride + (uint64_t)d->cfg.width * bpp <=
		    d->cfg.vram_size) {
		if (!*texture || *texture_format != format) {
			if (*texture)
				SDL_DestroyTexture(*texture);
			*texture = SDL_CreateTexture(renderer, sdl_format(format), SDL_TEXTUREACCESS_STREAMING,
						     (int)d->cfg.width, (int)d->cfg.height);
			*texture_format = format;
		}
		if (*texture) {
			SDL_UpdateTexture(*texture, NULL, d->bar2 + offset, (int)stride);
			SDL_RenderCopy(renderer, *texture, NULL, NULL);
		}
	}
	SDL_RenderPresent(renderer);
}

static void *window_main(void *data)
{
	struct window_output *w = data;
	struct device *d = w->d;
	SDL_Window *window = NULL;
	SDL_Renderer *renderer = NULL;
	SDL_Texture *texture = NULL;
	uint32_t texture_format = 0;
	SDL_Event ev;

	if (SDL_Init(SDL_INIT_VIDEO) < 0) {
		snprintf(w->err, sizeof(w->err), "no display for the window (SDL: %s)", SDL_GetError());
		goto fail;
	}
	const char *driver = SDL_GetCurrentVideoDriver();

	/* SDL may pick a headless driver; that is no display for us. */
	if (!driver || !strcmp(driver, "offscreen") || !strcmp(driver, "dummy") ||
	    !strcmp(driver, "evdev")) {
		snprintf(w->err, sizeof(w->err), "no display for the window (SDL video driver: %s)",
			 driver ? driver : "none");
		goto fail;
	}
	fprintf(stderr, "gfx-device: window on SDL's %s video driver\n", driver);
	window = SDL_CreateWindow("gfx-device", SDL_WINDOWPOS_UNDEFINED, SDL_WINDOWPOS_UNDEFINED,
				  (int)d->cfg.width, (int)d->cfg.height, SDL_WINDOW_RESIZABLE);
	if (window)
		renderer = SDL_CreateRenderer(window, -1, 0);
	if (!renderer) {
		snprintf(w->err, sizeof(w->err), "cannot open the window (SDL: %s)", SDL_GetError());
		goto fail;
	}
	/* Mouse coordinates in mode pixels whatever the window size. */
	SDL_RenderSetLogicalSize(renderer, (int)d->cfg.width, (int)d->cfg.height);

	pthread_mutex_lock(&w->lock);
	w->init_result = 1;
	pthread_cond_broadcast(&w->cond);
	while (!w->stop) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 20000000;
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000;
		}
		if (!w->frame_due)
			pthread_cond_timedwait(&w->cond, &w->lock, &ts);
		bool due = w->frame_due;

		w->frame_due = false;
		pthread_mutex_unlock(&w->lock);
		while (SDL_PollEvent(&ev))
			handle_event(w, &ev);
		if (due)
			present(w, renderer, &texture, &texture_format);
		pthread_mutex_lock(&w->lock);
	}
	pthread_mutex_unlock(&w->lock);
	if (texture)
		SDL_DestroyTexture(texture);
	SDL_DestroyRenderer(renderer);
	SDL_DestroyWindow(window);
	SDL_Quit();
	return NULL;

fail:
	if (window)
		SDL_DestroyWindow(window);
	SDL_Quit();
	pthread_mutex_lock(&w->lock);
	w->init_result = -1;
	pthread_cond_broadcast(&w->cond);
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

struct window_output *window_output_create(struct device *d, char *err, size_t err_len)
{
	struct window_output *w = calloc(1, sizeof(*w));

	if (!w) {
		snprintf(err, err_len, "out of memory");
		return NULL;
	}
	w->d = d;
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->cond, NULL);
	if (pthread_create(&w->thread, NULL, window_main, w)) {
		snprintf(err, err_len, "cannot start the window thread");
		free(w);
		return NULL;
	}
	pthread_setname_np(w->thread, "gfx-window");
	pthread_mutex_lock(&w->lock);
	while (w->init_result == 0)
		pthread_cond_wait(&w->cond, &w->lock);
	pthread_mutex_unlock(&w->lock);
	if (w->init_result < 0) {
		snprintf(err, err_len, "%s", w->err);
		pthread_join(w->thread, NULL);
		free(w);
		return NULL;
	}
	return w;
}

void window_output_vblank(struct window_output *w)
{
	pthread_mutex_lock(&w->lock);
	w->frame_due = true;
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->lock);
}

void window_output_destroy(struct window_output *w)
{
	if (!w)
		return;
	pthread_mutex_lock(&w->lock);
	w->stop = true;
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->lock);
	pthread_join(w->thread, NULL);
	free(w);
}

#endif /* HAVE_SDL2 */
