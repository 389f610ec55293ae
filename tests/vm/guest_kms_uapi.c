/* SPDX-License-Identifier: MIT */
/*
 * guest_kms_uapi.c - gfx-vm-kms-uapi: the KMS uapi promises every driver
 * keeps, checked on gfx_drm through plain libdrm (no helper of ours), as a
 * DRM maintainer would try them (issue 15, "conformance to the KMS uapi").
 *
 *   gfx-vm-kms-uapi modifier     IN_FORMATS lists LINEAR only; ADDFB2 with any
 *                                other modifier is EINVAL, LINEAR is accepted
 *   gfx-vm-kms-uapi timestamps   vblank and flip event times: the interval's
 *                                3 sigma under 0.5 % of the period
 *   gfx-vm-kms-uapi past         a blocking wait for a vblank that has passed
 *                                returns at once (same sequence, no vblank)
 *   gfx-vm-kms-uapi order        a blocking commit after a nonblocking one
 *                                with an event: that event is readable first
 *   gfx-vm-kms-uapi sequence     CRTC_GET_SEQUENCE and QUEUE_SEQUENCE; counts
 *                                never go backwards across DPMS off/on and
 *                                vblank off/on
 *   gfx-vm-kms-uapi testonly     TEST_ONLY leaves no trace (no event, the
 *                                plane keeps its framebuffer)
 *   gfx-vm-kms-uapi ebusy        a nonblocking commit is EBUSY only while the
 *                                previous one is pending, never after its event
 *
 * Each prints one "ok ..." line and exits 0, or prints why and exits 1.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <drm_fourcc.h>
#include <xf86drm.h>
#include <xf86drmMode.h>

#define FAIL(...) do { printf(__VA_ARGS__); putchar('\n'); return 1; } while (0)
#define CHECK(c, ...) do { if (!(c)) FAIL(__VA_ARGS__); } while (0)

/* The one CRTC, primary plane and connector, their property ids, two framebuffers. */
struct kms {
	int fd;
	uint32_t crtc, plane, conn, mode_blob, fb[2];
	drmModeModeInfo mode;
	struct { uint32_t active, mode_id; } crtc_p;
	struct { uint32_t fb_id, crtc_id, src_x, src_y, src_w, src_h, crtc_x, crtc_y, crtc_w, crtc_h; } plane_p;
	uint32_t conn_crtc_id;
	double period_us;
};

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static uint32_t prop_id(int fd, uint32_t obj, uint32_t type, const char *name)
{
	drmModeObjectPropertiesPtr props = drmModeObjectGetProperties(fd, obj, type);
	uint32_t id = 0;

	for (uint32_t i = 0; props && i < props->count_props && !id; i++) {
		drmModePropertyPtr p = drmModeGetProperty(fd, props->props[i]);

		if (p && !strcmp(p->name, name))
			id = p->prop_id;
		drmModeFreeProperty(p);
	}
	drmModeFreeObjectProperties(props);
	return id;
}

static uint64_t prop_value(int fd, uint32_t obj, uint32_t type, uint32_t id)
{
	drmModeObjectPropertiesPtr props = drmModeObjectGetProperties(fd, obj, type);
	uint64_t v = 0;

	for (uint32_t i = 0; props && i < props->count_props; i++)
		if (props->props[i] == id)
			v = props->prop_values[i];
	drmModeFreeObjectProperties(props);
	return v;
}

/* A dumb XRGB buffer of the mode's size, filled with colour, as a framebuffer. */
static uint32_t dumb_fb(struct kms *k, uint32_t color)
{
	struct drm_mode_create_dumb c = { .width = k->mode.hdisplay, .height = k->mode.vdisplay, .bpp = 32 };
	struct drm_mode_map_dumb m = { 0 };
	uint32_t handles[4] = { 0 }, pitches[4] = { 0 }, offsets[4] = { 0 }, fb = 0;
	uint32_t *p;

	if (drmIoctl(k->fd, DRM_IOCTL_MODE_CREATE_DUMB, &c))
		return 0;
	m.handle = c.handle;
	if (drmIoctl(k->fd, DRM_IOCTL_MODE_MAP_DUMB, &m))
		return 0;
	p = mmap(NULL, c.size, PROT_READ | PROT_WRITE, MAP_SHARED, k->fd, (off_t)m.offset);
	if (p == MAP_FAILED)
		return 0;
	for (uint64_t i = 0; i < c.size / 4; i++)
		p[i] = color;
	munmap(p, c.size);
	handles[0] = c.handle;
	pitches[0] = c.pitch;
	if (drmModeAddFB2(k->fd, c.width, c.height, DRM_FORMAT_XRGB8888, handles, pitches, offsets, &fb, 0))
		return 0;
	return fb;
}

/* The card, atomic, its objects; the mode set with fb[0] on screen. */
static int kms_open(struct kms *k)
{
	drmModeRes *res;
	drmModePlaneRes *pres;
	drmModeConnector *c;
	drmModeAtomicReq *req;

	memset(k, 0, sizeof(*k));
	k->fd = drmOpenWithType("gfx_drm", NULL, DRM_NODE_PRIMARY);
	CHECK(k->fd >= 0, "no gfx_drm card: %s", strerror(errno));
	CHECK(!drmSetClientCap(k->fd, DRM_CLIENT_CAP_UNIVERSAL_PLANES, 1) &&
	      !drmSetClientCap(k->fd, DRM_CLIENT_CAP_ATOMIC, 1), "no atomic: %s", strerror(errno));
	res = drmModeGetResources(k->fd);
	pres = drmModeGetPlaneResources(k->fd);
	CHECK(res && pres && res->count_crtcs == 1 && res->count_connectors == 1 && pres->count_planes >= 1,
	      "want one CRTC, one connector, a plane");
	k->crtc = res->crtcs[0];
	k->conn = res->connectors[0];
	k->plane = pres->planes[0];
	c = drmModeGetConnector(k->fd, k->conn);
	CHECK(c && c->count_modes > 0, "the connector has no mode");
	k->mode = c->modes[0];
	k->period_us = 1e6 * k->mode.htotal * k->mode.vtotal / (k->mode.clock * 1000.0);
	drmModeFreeConnector(c);
	drmModeFreeResources(res);
	drmModeFreePlaneResources(pres);
	k->crtc_p.active = prop_id(k->fd, k->crtc, DRM_MODE_OBJECT_CRTC, "ACTIVE");
	k->crtc_p.mode_id = prop_id(k->fd, k->crtc, DRM_MODE_OBJECT_CRTC, "MODE_ID");
	k->conn_crtc_id = prop_id(k->fd, k->conn, DRM_MODE_OBJECT_CONNECTOR, "CRTC_ID");
#define PP(f, n) k->plane_p.f = prop_id(k->fd, k->plane, DRM_MODE_OBJECT_PLANE, n)
	PP(fb_id, "FB_ID"); PP(crtc_id, "CRTC_ID"); PP(src_x, "SRC_X"); PP(src_y, "SRC_Y");
	PP(src_w, "SRC_W"); PP(src_h, "SRC_H"); PP(crtc_x, "CRTC_X"); PP(crtc_y, "CRTC_Y");
	PP(crtc_w, "CRTC_W"); PP(crtc_h, "CRTC_H");
#undef PP
	CHECK(!drmModeCreatePropertyBlob(k->fd, &k->mode, sizeof(k->mode), &k->mode_blob), "mode blob");
	k->fb[0] = dumb_fb(k, 0xff203040);
	k->fb[1] = dumb_fb(k, 0xff405060);
	CHECK(k->fb[0] && k->fb[1], "dumb framebuffers: %s", strerror(errno));
	req = drmModeAtomicAlloc();
	drmModeAtomicAddProperty(req, k->crtc, k->crtc_p.active, 1);
	drmModeAtomicAddProperty(req, k->crtc, k->crtc_p.mode_id, k->mode_blob);
	drmModeAtomicAddProperty(req, k->conn, k->conn_crtc_id, k->crtc);
	drmModeAtomicAddProperty(req, k->plane, k->plane_p.crtc_id, k->crtc);
	drmModeAtomicAddProperty(req, k->plane, k->plane_p.fb_id, k->fb[0]);
	drmModeAtomicAddProperty(req, k->plane, k->plane_p.src_x, 0);
	drmModeAtomicAddProperty(req, k->plane, k->plane_p.src_y, 0);
	drmModeAtomicAddProperty(req, k->plane, k->plane_p.src_w, (uint64_t)k->mode.hdisplay << 16);
	drmModeAtomicAddProperty(req, k->plane, k->plane_p.src_h, (uint64_t)k->mode.vdisplay << 16);
	drmModeAtomicAddProperty(req, k->plane, k->plane_p.crtc_x, 0);
	drmModeAtomicAddProperty(req, k->plane, k->plane_p.crtc_y, 0);
	drmModeAtomicAddProperty(req, k->plane, k->plane_p.crtc_w, k->mode.hdisplay);
	drmModeAtomicAddProperty(req, k->plane, k->plane_p.crtc_h, k->mode.vdisplay);
	CHECK(!drmModeAtomicCommit(k->fd, req, DRM_MODE_ATOMIC_ALLOW_MODESET, NULL),
	      "modeset: %s", strerror(errno));
	drmModeAtomicFree(req);
	return 0;
}

/* A flip of the plane to fb: flags (NONBLOCK, PAGE_FLIP_EVENT, TEST_ONLY); -errno. */
static int flip(struct kms *k, uint32_t fb, uint32_t flags, uint64_t user_data)
{
	drmModeAtomicReq *req = drmModeAtomicAlloc();
	int r;

	drmModeAtomicAddProperty(req, k->plane, k->plane_p.fb_id, fb);
	r = drmModeAtomicCommit(k->fd, req, flags, (void *)(uintptr_t)user_data) ? -errno : 0;
	drmModeAtomicFree(req);
	return r;
}

static int set_active(struct kms *k, bool on)
{
	drmModeAtomicReq *req = drmModeAtomicAlloc();
	int r;

	drmModeAtomicAddProperty(req, k->crtc, k->crtc_p.active, on);
	r = drmModeAtomicCommit(k->fd, req, DRM_MODE_ATOMIC_ALLOW_MODESET, NULL) ? -errno : 0;
	drmModeAtomicFree(req);
	return r;
}

/* ---- events ---- */

struct ev {
	int n;
	struct { unsigned int kind, seq; double t_us; uint64_t data; } e[64];
};

static struct ev *cur_ev;

static void note(unsigned int kind, unsigned int seq, unsigned int sec, unsigned int usec, void *data)
{
	if (cur_ev && cur_ev->n < 64)
		cur_ev->e[cur_ev->n++] = (typeof(cur_ev->e[0])){ kind, seq, sec * 1e6 + usec,
								  (uint64_t)(uintptr_t)data };
}

static void on_vbl(int fd, unsigned int seq, unsigned int sec, unsigned int usec, void *data)
{
	note(0, seq, sec, usec, data);
}

static void on_flip(int fd, unsigned int seq, unsigned int sec, unsigned int usec, void *data)
{
	note(1, seq, sec, usec, data);
}

static void on_seq(int fd, uint64_t seq, uint64_t ns, uint64_t data)
{
	if (cur_ev && cur_ev->n < 64)
		cur_ev->e[cur_ev->n++] = (typeof(cur_ev->e[0])){ 2, (unsigned int)seq, ns / 1e3, data };
}

/* Read the events there are within ms into ev; the count. */
static int read_events(struct kms *k, struct ev *ev, int ms)
{
	drmEventContext ctx = { .version = 4, .vblank_handler = on_vbl, .page_flip_handler = on_flip,
				.sequence_handler = on_seq };
	struct pollfd p = { k->fd, POLLIN, 0 };
	int before = ev->n;

	cur_ev = ev;
	if (poll(&p, 1, ms) == 1)
		drmHandleEvent(k->fd, &ctx);
	cur_ev = NULL;
	return ev->n - before;
}

/* ---- the cases ---- */

/* IN_FORMATS: every format with LINEAR and nothing else; ADDFB2 follows it. */
static int cmd_modifier(struct kms *k)
{
	uint32_t id = prop_id(k->fd, k->plane, DRM_MODE_OBJECT_PLANE, "IN_FORMATS");
	uint64_t mods[] = { I915_FORMAT_MOD_X_TILED, DRM_FORMAT_MOD_ARM_AFBC(0), 0x00ffffffffffff01ull };
	struct drm_mode_create_dumb c = { .width = 64, .height = 64, .bpp = 32 };
	uint32_t handles[4] = { 0 }, pitches[4] = { 0 }, offsets[4] = { 0 }, fb;
	uint64_t m4[4] = { 0 };
	drmModePropertyBlobPtr blob;
	struct drm_format_modifier_blob *hdr;
	struct drm_format_modifier *fm;

	CHECK(id, "the plane has no IN_FORMATS property");
	blob = drmModeGetPropertyBlob(k->fd, (uint32_t)prop_value(k->fd, k->plane, DRM_MODE_OBJECT_PLANE, id));
	CHECK(blob, "IN_FORMATS blob: %s", strerror(errno));
	hdr = blob->data;
	fm = (struct drm_format_modifier *)((char *)hdr + hdr->modifiers_offset);
	CHECK(hdr->count_modifiers == 1 && fm[0].modifier == DRM_FORMAT_MOD_LINEAR,
	      "IN_FORMATS: %u modifiers, the first %#llx; want LINEAR alone", hdr->count_modifiers,
	      (unsigned long long)fm[0].modifier);
	drmModeFreePropertyBlob(blob);
	CHECK(!drmIoctl(k->fd, DRM_IOCTL_MODE_CREATE_DUMB, &c), "dumb: %s", strerror(errno));
	handles[0] = c.handle;
	pitches[0] = c.pitch;
	CHECK(!drmModeAddFB2WithModifiers(k->fd, 64, 64, DRM_FORMAT_XRGB8888, handles, pitches, offsets,
					  m4, &fb, DRM_MODE_FB_MODIFIERS), "ADDFB2 LINEAR: %s", strerror(errno));
	drmModeRmFB(k->fd, fb);
	for (unsigned int i = 0; i < sizeof(mods) / sizeof(mods[0]); i++) {
		m4[0] = mods[i];
		errno = 0;
		CHECK(drmModeAddFB2WithModifiers(k->fd, 64, 64, DRM_FORMAT_XRGB8888, handles, pitches,
						 offsets, m4, &fb, DRM_MODE_FB_MODIFIERS) && errno == EINVAL,
		      "ADDFB2 with modifier %#llx: %s, want EINVAL", (unsigned long long)mods[i],
		      errno ? strerror(errno) : "accepted");
	}
	printf("ok IN_FORMATS lists LINEAR alone; ADDFB2 takes LINEAR, refuses %zu others with EINVAL\n",
	       sizeof(mods) / sizeof(mods[0]));
	return 0;
}

/* Mean and standard deviation of the intervals between one-apart events (us). */
static void intervals(const double *t, const unsigned int *seq, int n, double *mean, double *sd, int *used)
{
	double s = 0, s2 = 0;
	int m = 0;

	for (int i = 1; i < n; i++) {
		if (seq[i] != seq[i - 1] + 1)
			continue;
		s += t[i] - t[i - 1];
		s2 += (t[i] - t[i - 1]) * (t[i] - t[i - 1]);
		m++;
	}
	*used = m;
	*mean = m ? s / m : 0;
	*sd = m > 1 ? sqrt((s2 - s * s / m) / (m - 1)) : 0;
}

#define TS_N 300

/* Vblank events (one per vblank, asked for each time) and flip events (a flip per vblank). */
static int cmd_timestamps(struct kms *k)
{
	static double t[TS_N];
	static unsigned int seq[TS_N];
	double mean, sd, fmean, fsd, lim = k->period_us * 0.005;
	int n = 0, used, fused;
	struct ev ev;

	while (n < TS_N) {
		drmVBlank vb = { .request = { .type = DRM_VBLANK_RELATIVE | DRM_VBLANK_EVENT, .sequence = 1 } };

		CHECK(!drmWaitVBlank(k->fd, &vb), "vblank event request: %s", strerror(errno));
		ev.n = 0;
		while (ev.n == 0)
			CHECK(read_events(k, &ev, 1000) >= 0 && ev.n, "no vblank event within 1 s");
		t[n] = ev.e[0].t_us;
		seq[n++] = ev.e[0].seq;
	}
	intervals(t, seq, n, &mean, &sd, &used);
	CHECK(used > TS_N / 2, "only %d of %d vblank events one vblank apart", used, TS_N);
	for (n = 0; n < TS_N / 2;) {
		CHECK(!flip(k, k->fb[n % 2], DRM_MODE_ATOMIC_NONBLOCK | DRM_MODE_PAGE_FLIP_EVENT, n),
		      "flip %d: %s", n, strerror(errno));
		ev.n = 0;
		while (ev.n == 0)
			CHECK(read_events(k, &ev, 1000) >= 0 && ev.n, "no flip event within 1 s");
		t[n] = ev.e[0].t_us;
		seq[n++] = ev.e[0].seq;
	}
	intervals(t, seq, n, &fmean, &fsd, &fused);
	CHECK(fused > TS_N / 8, "only %d of %d flips one vblank apart", fused, TS_N / 2);
	CHECK(3 * sd < lim && 3 * fsd < lim && fabs(mean - k->period_us) < lim,
	      "vblank intervals %.1f us sd %.2f us, flips %.1f us sd %.2f us: 3 sd must stay under "
	      "%.1f us (0.5 %% of %.1f us)", mean, sd, fmean, fsd, lim, k->period_us);
	printf("ok %d vblank intervals %.2f us, sd %.3f us; %d flip intervals %.2f us, sd %.3f us "
	       "(3 sd < %.1f us)\n", used, mean, sd, fused, fmean, fsd, lim);
	return 0;
}

static int offdelay(int ms);

/*
 * Blocking waits for sequences already passed: the reply is the current one,
 * no vblank waited. Half of them with the vblank interrupt off first (a short
 * off-delay and a pause), so that the wait itself switches it on.
 */
static int cmd_past(struct kms *k)
{
	double worst[2] = { 0, 0 }, t0;
	int same = 0, old = offdelay(20);

	CHECK(old >= 0, "cannot set drm.vblankoffdelay: %s", strerror(errno));
	for (int i = 0; i < 40; i++) {
		drmVBlank now = { .request = { .type = DRM_VBLANK_RELATIVE, .sequence = 0 } }, vb;

		/* Odd: the sequence is learnt before the interrupt goes off (a pause). */
		if (i % 2 == 0)
			usleep(3000);
		CHECK(!drmWaitVBlank(k->fd, &now), "current sequence: %s", strerror(errno));
		vb = (drmVBlank){ .request = { .type = DRM_VBLANK_ABSOLUTE,
					       .sequence = now.reply.sequence - 1 - i % 3 } };
		if (i % 2)
			usleep(100000);
		t0 = now_us();
		CHECK(!drmWaitVBlank(k->fd, &vb), "wait for a passed vblank: %s", strerror(errno));
		worst[i % 2] = fmax(worst[i % 2], now_us() - t0);
		same += i % 2 == 0 && vb.reply.sequence == now.reply.sequence;
	}
	offdelay(old);
	/* A wait that blocked would come back a vblank after the current one every time. */
	CHECK(same >= 18, "only %d of 20 waits for a passed vblank came back in the vblank they "
	      "started in (slowest %.0f us)", same, worst[0]);
	printf("ok waits for passed vblanks return at once: %d of 20 in the vblank they started in, "
	       "the slowest %.0f us; 20 more with the interrupt off before, the slowest %.0f us\n",
	       same, worst[0], worst[1]);
	return 0;
}

/*
 * A nonblocking flip with an event, then a blocking one (rounds 0-9 with an
 * event of its own, 10-19 without): the first's event is there when the
 * blocking one returns, and comes first.
 */
static int cmd_order(struct kms *k)
{
	struct ev ev;

	for (int i = 0; i < 20; i++) {
		int want = i < 10 ? 2 : 1;

		ev.n = 0;
		CHECK(!flip(k, k->fb[1], DRM_MODE_ATOMIC_NONBLOCK | DRM_MODE_PAGE_FLIP_EVENT, 100 + i),
		      "nonblocking flip: %s", strerror(errno));
		CHECK(!flip(k, k->fb[0], i < 10 ? DRM_MODE_PAGE_FLIP_EVENT : 0, 200 + i),
		      "blocking flip: %s", strerror(errno));
		read_events(k, &ev, 0);
		if (ev.n < want)
			read_events(k, &ev, 0);
		CHECK(ev.n >= 1 && ev.e[0].data == (uint64_t)(100 + i),
		      "round %d: after the blocking commit returned, %d events readable%s", i, ev.n,
		      ev.n ? ", the first not the nonblocking commit's" : "");
		if (want == 1) {
			CHECK(read_events(k, &ev, 50) == 0, "round %d: an event nobody asked for", i);
			continue;
		}
		while (ev.n < 2)
			CHECK(read_events(k, &ev, 1000) > 0, "round %d: the blocking commit's event never came", i);
		CHECK(ev.e[1].data == (uint64_t)(200 + i) && ev.e[1].seq > ev.e[0].seq,
		      "round %d: events %llu (seq %u) then %llu (seq %u)", i,
		      (unsigned long long)ev.e[0].data, ev.e[0].seq, (unsigned long long)ev.e[1].data,
		      ev.e[1].seq);
	}
	printf("ok 20 rounds (10 with an event on the blocking commit too): the nonblocking "
	       "commit's event was readable when the blocking one returned, and came first\n");
	return 0;
}

static uint64_t get_seq(struct kms *k)
{
	uint64_t seq = 0, ns;

	return drmCrtcGetSequence(k->fd, k->crtc, &seq, &ns) ? 0 : seq;
}

/* The vblank offdelay, so that "vblank off" happens in a test's time; restored after. */
static int offdelay(int ms)
{
	FILE *f = fopen("/sys/module/drm/parameters/vblankoffdelay", "r+");
	int old = 5000;

	if (!f)
		return -1;
	if (fscanf(f, "%d", &old) != 1)
		old = 5000;
	rewind(f);
	fprintf(f, "%d\n", ms);
	fclose(f);
	return old;
}

static int cmd_sequence(struct kms *k)
{
	uint64_t s0, s1, s2, s3, queued;
	struct ev ev = { 0 };
	int old;

	s0 = get_seq(k);
	CHECK(s0, "CRTC_GET_SEQUENCE: %s", strerror(errno));
	CHECK(!drmCrtcQueueSequence(k->fd, k->crtc, DRM_CRTC_SEQUENCE_RELATIVE, 3, &queued, 77),
	      "CRTC_QUEUE_SEQUENCE: %s", strerror(errno));
	while (ev.n == 0)
		CHECK(read_events(k, &ev, 1000) > 0, "no sequence event within 1 s");
	CHECK(ev.e[0].kind == 2 && ev.e[0].data == 77 && ev.e[0].seq == (unsigned int)queued &&
	      queued >= s0 + 3, "sequence event: kind %u data %llu seq %u, queued for %llu (from %llu)",
	      ev.e[0].kind, (unsigned long long)ev.e[0].data, ev.e[0].seq, (unsigned long long)queued,
	      (unsigned long long)s0);
	/* Vblank off (nobody holds it past the offdelay) and on again. */
	old = offdelay(20);
	CHECK(old >= 0, "cannot set drm.vblankoffdelay: %s", strerror(errno));
	usleep(200000);
	s1 = get_seq(k);
	usleep(100000);
	s2 = get_seq(k);
	CHECK(s1 >= queued && s2 > s1, "across vblank off/on: %llu then %llu after %llu",
	      (unsigned long long)s1, (unsigned long long)s2, (unsigned long long)queued);
	/* DPMS off and on. */
	CHECK(!set_active(k, false), "ACTIVE=0: %s", strerror(errno));
	usleep(100000);
	CHECK(!set_active(k, true), "ACTIVE=1: %s", strerror(errno));
	CHECK(!flip(k, k->fb[0], 0, 0), "flip after ACTIVE=1: %s", strerror(errno));
	s3 = get_seq(k);
	offdelay(old);
	CHECK(s3 > s2, "across DPMS off/on the count went from %llu to %llu", (unsigned long long)s2,
	      (unsigned long long)s3);
	printf("ok QUEUE_SEQUENCE's event at %llu (+3), counts %llu -> %llu across vblank off/on, "
	       "-> %llu across DPMS off/on\n", (unsigned long long)queued, (unsigned long long)s1,
	       (unsigned long long)s2, (unsigned long long)s3);
	return 0;
}

static int cmd_testonly(struct kms *k)
{
	uint64_t before = prop_value(k->fd, k->plane, DRM_MODE_OBJECT_PLANE, k->plane_p.fb_id);
	struct ev ev = { 0 };

	CHECK(before == k->fb[0] || before == k->fb[1], "the plane shows fb %llu", (unsigned long long)before);
	for (int i = 0; i < 10; i++)
		CHECK(!flip(k, k->fb[before == k->fb[0]], DRM_MODE_ATOMIC_TEST_ONLY, 0),
		      "TEST_ONLY: %s", strerror(errno));
	errno = 0;
	CHECK(flip(k, k->fb[1], DRM_MODE_ATOMIC_TEST_ONLY | DRM_MODE_PAGE_FLIP_EVENT, 0) == -EINVAL,
	      "TEST_ONLY with an event: %s, want EINVAL", errno ? strerror(errno) : "accepted");
	CHECK(read_events(k, &ev, 100) == 0, "an event after TEST_ONLY commits");
	CHECK(prop_value(k->fd, k->plane, DRM_MODE_OBJECT_PLANE, k->plane_p.fb_id) == before,
	      "the plane's FB_ID changed after TEST_ONLY commits");
	printf("ok 10 TEST_ONLY commits left no event and the plane on its framebuffer\n");
	return 0;
}

/* Flips as fast as the events allow: never EBUSY once the previous event was read. */
static int cmd_ebusy(struct kms *k)
{
	int busy = 0, r;
	struct ev ev;

	for (int i = 0; i < 60; i++) {
		ev.n = 0;
		CHECK(!(r = flip(k, k->fb[i % 2], DRM_MODE_ATOMIC_NONBLOCK | DRM_MODE_PAGE_FLIP_EVENT, i)),
		      "flip %d after the previous event: %s", i, strerror(-r));
		r = flip(k, k->fb[(i + 1) % 2], DRM_MODE_ATOMIC_NONBLOCK, 0);
		busy += r == -EBUSY;
		CHECK(r == 0 || r == -EBUSY, "a second nonblocking flip: %s, want EBUSY (or success "
		      "if the first was done)", strerror(-r));
		while (ev.n == 0 || ev.e[ev.n - 1].data != (uint64_t)i)
			CHECK(read_events(k, &ev, 1000) > 0, "flip %d: no event within 1 s", i);
		if (r == 0)	/* the second went through: let it finish too */
			CHECK(!flip(k, k->fb[i % 2], 0, 0), "blocking flip: %s", strerror(errno));
	}
	printf("ok 60 nonblocking flips, none EBUSY after the previous event; a second one while "
	       "the first was pending was EBUSY %d times of 60\n", busy);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct { const char *name; int (*fn)(struct kms *); } cmds[] = {
		{ "modifier", cmd_modifier }, { "timestamps", cmd_timestamps }, { "past", cmd_past },
		{ "order", cmd_order }, { "sequence", cmd_sequence }, { "testonly", cmd_testonly },
		{ "ebusy", cmd_ebusy },
	};
	struct kms k;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (unsigned int i = 0; argc > 1 && i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (!strcmp(argv[1], cmds[i].name))
			return kms_open(&k) ?: cmds[i].fn(&k);
	fprintf(stderr, "usage: gfx-vm-kms-uapi modifier|timestamps|past|order|sequence|testonly|ebusy\n");
	return 2;
}
