// SPDX-License-Identifier: GPL-2.0
/*
 * gfx_drm: one CRTC, a primary plane, a virtual encoder and a
 * connector with the device's fixed mode.
 *
 * The display controller latches a FLIP at vblank. FLIPs travel through
 * the ring, queued by the CRTC flush under ring_lock, so each one follows
 * every job submitted before the commit; FLIP_DONE sends the page-flip
 * event (matched by the flip id in the flip log's user data). The buffer
 * on screen stays referenced until a later flip has latched.
 */
#include <linux/dma-resv.h>
#include <drm/drm_atomic.h>
#include <drm/drm_atomic_helper.h>
#include <drm/drm_drv.h>
#include <drm/drm_fourcc.h>
#include <drm/drm_framebuffer.h>
#include <drm/drm_gem_atomic_helper.h>
#include <drm/drm_gem_framebuffer_helper.h>
#include <drm/drm_managed.h>
#include <drm/drm_modeset_helper_vtables.h>
#include <drm/drm_print.h>
#include <drm/drm_probe_helper.h>
#include <drm/drm_vblank.h>
#include "gfx_drm_drv.h"

/*
 * Under lock: flips latched since the last look. The one in flight
 * completes; the buffer it replaced goes to gfx_retire() to be put.
 */
bool gfx_flips_process(struct gfx_dev *g, struct drm_pending_vblank_event **event,
		       bool *vblank)
{
	u64 count = gfx_rd64(g, GFX_REG_FLIP_COUNT), n;
	bool done = false;

	if (count == g->flips_seen)
		return false;
	rmb();	/* the log entries after the count that covers them */
	n = g->flips_seen + 1;
	if (count - g->flips_seen > GFX_LOG_ENTRIES)
		n = count - GFX_LOG_ENTRIES + 1;	/* older entries are overwritten */
	for (; n <= count; n++) {
		u32 e = GFX_REG_FLIP_LOG + (n % GFX_LOG_ENTRIES) * sizeof(struct gfx_flip_entry);

		if (!g->flip.queued || gfx_rd64(g, e) != n ||
		    gfx_rd64(g, e + offsetof(struct gfx_flip_entry, user_data)) != g->flip.id)
			continue;
		drm_dbg_kms(&g->drm, "flip %llu latched at vblank %llu\n", g->flip.id,
			    gfx_rd64(g, e + offsetof(struct gfx_flip_entry, vblank_seq)));
		if (g->scanout)
			gfx_bo_put_later(g, g->scanout);
		g->scanout = g->flip.bo;
		WRITE_ONCE(g->retired, max(g->retired, g->flip.end));
		*event = g->flip.event;
		*vblank = g->flip.vblank;
		g->flip.queued = false;
		g->flip.bo = NULL;
		g->flip.event = NULL;
		done = true;
	}
	g->flips_seen = count;
	return done;
}

/* Not under lock (it nests inside the vblank locks). */
void gfx_flip_finish(struct gfx_dev *g, struct drm_pending_vblank_event *event, bool vblank)
{
	unsigned long flags;

	if (event) {
		spin_lock_irqsave(&g->drm.event_lock, flags);
		drm_crtc_send_vblank_event(&g->crtc, event);
		spin_unlock_irqrestore(&g->drm.event_lock, flags);
	}
	if (vblank)
		drm_crtc_vblank_put(&g->crtc);
}

/* The plane update's buffer goes on screen through the ring, with the event. */
static void gfx_flip_queue(struct gfx_dev *g, struct drm_pending_vblank_event *event)
{
	bool vblank = drm_crtc_vblank_get(&g->crtc) == 0;
	struct gfx_bo *bo = g->next;
	u32 cmd[GFX_FLIP_WORDS];
	u64 id;

	g->next = NULL;
	if (gfx_ring_begin(g, GFX_FLIP_WORDS, false))
		goto now;
	memcpy(cmd, g->next_cmd, sizeof(cmd));
	spin_lock_irq(&g->lock);
	drm_WARN_ON(&g->drm, g->flip.queued);	/* commits wait for the previous flip */
	id = g->flip.id + 1;
	cmd[6] = lower_32_bits(id);
	cmd[7] = upper_32_bits(id);
	g->flip = (struct gfx_flip){ .queued = true, .vblank = vblank, .id = id, .bo = bo,
		.end = g->tail + sizeof(cmd), .event = event };
	spin_unlock_irq(&g->lock);
	gfx_ring_write(g, cmd, GFX_FLIP_WORDS);
	gfx_ring_end(g);
	drm_dbg_kms(&g->drm, "flip %llu queued: %#x, event %s, vblank %s\n", id, cmd[1],
		    event ? "yes" : "no", vblank ? "on" : "off");
	return;
now:
	drm_gem_object_put(&bo->base);
	gfx_flip_finish(g, event, vblank);
}

/*
 * Only for an active CRTC. Every commit that touches it carries an event
 * (the helpers add one for flip_done). With a new buffer the event goes
 * out with the FLIP; otherwise at the next vblank.
 */
static void gfx_crtc_atomic_flush(struct drm_crtc *crtc, struct drm_atomic_state *state)
{
	struct gfx_dev *g = to_gfx(crtc->dev);
	struct drm_crtc_state *cs = drm_atomic_get_new_crtc_state(state, crtc);
	struct drm_pending_vblank_event *event = cs->event;

	cs->event = NULL;
	if (g->next) {
		gfx_flip_queue(g, event);
		return;
	}
	if (!event)
		return;
	spin_lock_irq(&crtc->dev->event_lock);
	if (drm_crtc_vblank_get(crtc) == 0)
		drm_crtc_arm_vblank_event(crtc, event);
	else
		drm_crtc_send_vblank_event(crtc, event);
	spin_unlock_irq(&crtc->dev->event_lock);
}

/* The display controller always runs; on and off are DRM's vblank state only. */
static void gfx_crtc_atomic_enable(struct drm_crtc *crtc, struct drm_atomic_state *state)
{
	drm_crtc_vblank_on(crtc);
}

static void gfx_crtc_atomic_disable(struct drm_crtc *crtc, struct drm_atomic_state *state)
{
	drm_crtc_vblank_off(crtc);
}

/*
 * An enabled CRTC may have its plane off (a client that waits for vblanks
 * before its first flip): the device cannot blank, so it keeps showing the
 * buffer it latched last, which stays referenced (gfx_dev.scanout), as a
 * controller without a blank bit would. Vblanks run either way.
 */
static int gfx_crtc_atomic_check(struct drm_crtc *crtc, struct drm_atomic_state *state)
{
	struct drm_crtc_state *cs = drm_atomic_get_new_crtc_state(state, crtc);

	cs->no_vblank = !cs->active;	/* drm_atomic_helper_fake_vblank() */
	return 0;
}

static enum drm_mode_status gfx_crtc_mode_valid(struct drm_crtc *crtc,
						const struct drm_display_mode *mode)
{
	struct gfx_dev *g = to_gfx(crtc->dev);
	enum drm_mode_status status = drm_crtc_helper_mode_valid_fixed(crtc, mode, &g->mode);

	if (status == MODE_OK && drm_mode_vrefresh(mode) != drm_mode_vrefresh(&g->mode))
		return MODE_BAD;
	return status;
}

static int gfx_enable_vblank(struct drm_crtc *crtc)
{
	gfx_irq_enable(to_gfx(crtc->dev), GFX_IRQ_VBLANK, true, false);
	return 0;
}

static void gfx_disable_vblank(struct drm_crtc *crtc)
{
	gfx_irq_enable(to_gfx(crtc->dev), GFX_IRQ_VBLANK, false, false);
}

/* The newest vblank's sequence and device time (time 0: the log moved under us). */
static u64 gfx_last_vblank(struct gfx_dev *g, u64 *time)
{
	u64 seq = gfx_rd64(g, GFX_REG_VBLANK_SEQ);
	u32 e = GFX_REG_VBLANK_LOG + (seq % GFX_LOG_ENTRIES) * sizeof(struct gfx_vblank_entry);

	rmb();	/* the entry after the count that covers it */
	*time = gfx_rd64(g, e + offsetof(struct gfx_vblank_entry, time_ns));
	rmb();
	if (gfx_rd64(g, e + offsetof(struct gfx_vblank_entry, seq)) != seq)
		*time = 0;
	return seq;
}

/*
 * The device stamps each vblank with its deadline in its own clock (the
 * host's, in a VM). Every VBLANK interrupt is a sample of (CLOCK_MONOTONIC
 * - device time), late by the interrupt's latency and never early: the
 * smallest sample of the current and the previous window of
 * GFX_CLOCK_WINDOW is the offset, as clock-synchronisation filters do.
 * The stamps then keep the device's exact period; taking the time in the
 * handler instead jittered by 37-339 us here (the issue that asked for this).
 */
void gfx_clock_sample(struct gfx_dev *g, u64 irq_ns)
{
	u64 t;

	gfx_last_vblank(g, &t);
	if (!t)
		return;
	g->clk_min = min_t(s64, g->clk_min, (s64)(irq_ns - t));
	if (++g->clk_samples % GFX_CLOCK_WINDOW == 0) {
		g->clk_prev_min = g->clk_min;
		g->clk_min = S64_MAX;
	}
	WRITE_ONCE(g->clk_offset, min(g->clk_min, g->clk_prev_min));
	WRITE_ONCE(g->clk_valid, true);
}

/* The vblank's own time, from the device: see gfx_clock_sample(). */
static bool gfx_get_vblank_timestamp(struct drm_crtc *crtc, int *max_error, ktime_t *vblank_time,
				     bool in_vblank_irq)
{
	struct gfx_dev *g = to_gfx(crtc->dev);
	u64 t = 0;
	int idx;

	if (!READ_ONCE(g->clk_valid) || !drm_dev_enter(&g->drm, &idx))
		return false;	/* the core takes the time itself */
	gfx_last_vblank(g, &t);
	drm_dev_exit(idx);
	if (!t)
		return false;
	*vblank_time = ns_to_ktime(t + READ_ONCE(g->clk_offset));
	return true;
}

/* VBLANK_SEQ, the hardware's counter: exact across disabled periods. */
static u32 gfx_get_vblank_counter(struct drm_crtc *crtc)
{
	struct gfx_dev *g = to_gfx(crtc->dev);
	u32 seq = 0;
	int idx;

	if (drm_dev_enter(&g->drm, &idx)) {
		seq = lower_32_bits(gfx_rd64(g, GFX_REG_VBLANK_SEQ));
		drm_dev_exit(idx);
	}
	return seq;
}

static const struct drm_crtc_helper_funcs gfx_crtc_helpers = {
	.mode_valid = gfx_crtc_mode_valid,
	.atomic_check = gfx_crtc_atomic_check,
	.atomic_flush = gfx_crtc_atomic_flush,
	.atomic_enable = gfx_crtc_atomic_enable,
	.atomic_disable = gfx_crtc_atomic_disable,
};

static const struct drm_crtc_funcs gfx_crtc_funcs = {
	.reset = drm_atomic_helper_crtc_reset,
	.set_config = drm_atomic_helper_set_config,
	.page_flip = drm_atomic_helper_page_flip,
	.atomic_duplicate_state = drm_atomic_helper_crtc_duplicate_state,
	.atomic_destroy_state = drm_atomic_helper_crtc_destroy_state,
	.enable_vblank = gfx_enable_vblank,
	.disable_vblank = gfx_disable_vblank,
	.get_vblank_counter = gfx_get_vblank_counter,
	.get_vblank_timestamp = gfx_get_vblank_timestamp,
};

/* The plane covers the CRTC, unscaled, from whole pixels at a 4-byte offset. */
static int gfx_plane_atomic_check(struct drm_plane *plane, struct drm_atomic_state *state)
{
	struct drm_plane_state *ps = drm_atomic_get_new_plane_state(state, plane);
	struct drm_crtc_state *cs = NULL;
	struct drm_framebuffer *fb = ps->fb;
	int ret;

	if (ps->crtc)
		cs = drm_atomic_get_new_crtc_state(state, ps->crtc);
	ret = drm_atomic_helper_check_plane_state(ps, cs, DRM_PLANE_NO_SCALING,
						  DRM_PLANE_NO_SCALING, false, true);
	if (ret || !ps->visible)
		return ret;
	if ((ps->src.x1 | ps->src.y1) & 0xffff)
		return -EINVAL;
	if ((fb->offsets[0] + (ps->src.y1 >> 16) * fb->pitches[0] +
	     (ps->src.x1 >> 16) * fb->format->cpp[0]) % 4)
		return -EINVAL;
	return 0;
}

/*
 * No waiting for render fences here (the default prepare_fb would put the
 * buffer's fences in the plane state, and commit_tail would wait for them
 * on the CPU): the FLIP is queued in the ring behind every job submitted
 * before the commit, and the ring executes in order, so the buffer is
 * complete when the FLIP reaches the display controller. Waiting would add
 * a round trip through the interrupt that the hardware makes unnecessary.
 * Our own explicit in-fence is ordered the same way and dropped. Fences of
 * other drivers (a PRIME importer rendering into our buffer) are not
 * ordered by our ring: then the default helper waits, as usual.
 */
static int gfx_plane_prepare_fb(struct drm_plane *plane, struct drm_plane_state *ps)
{
	struct gfx_dev *g = to_gfx(plane->dev);
	enum dma_resv_usage usage = ps->fence ? DMA_RESV_USAGE_KERNEL : DMA_RESV_USAGE_WRITE;
	struct dma_resv_iter it;
	struct dma_fence *f;
	bool foreign = false;

	if (!ps->fb)
		return 0;
	if (ps->fence && ps->fence->context == g->fence_context) {
		dma_fence_put(ps->fence);
		ps->fence = NULL;
	}
	dma_resv_iter_begin(&it, ps->fb->obj[0]->resv, usage);
	dma_resv_for_each_fence_unlocked(&it, f)
		foreign |= f->context != g->fence_context;
	dma_resv_iter_end(&it);
	return foreign ? drm_gem_plane_helper_prepare_fb(plane, ps) : 0;
}

/* The FLIP for the CRTC flush; a disabled plane leaves the last image up. */
static void gfx_plane_atomic_update(struct drm_plane *plane, struct drm_atomic_state *state)
{
	struct gfx_dev *g = to_gfx(plane->dev);
	struct drm_plane_state *ps = drm_atomic_get_new_plane_state(state, plane);
	struct drm_framebuffer *fb = ps->fb;
	struct gfx_bo *bo;

	if (!fb || !ps->visible)
		return;
	bo = to_gfx_bo(fb->obj[0]);
	drm_gem_object_get(&bo->base);
	if (g->next)
		drm_gem_object_put(&g->next->base);
	g->next = bo;
	g->next_cmd[0] = GFX_CMD(GFX_OP_FLIP, 0, GFX_FLIP_WORDS);
	g->next_cmd[1] = bo->node.start + fb->offsets[0] + (ps->src.y1 >> 16) * fb->pitches[0] +
			 (ps->src.x1 >> 16) * fb->format->cpp[0];
	g->next_cmd[2] = drm_rect_width(&ps->dst);
	g->next_cmd[3] = drm_rect_height(&ps->dst);
	g->next_cmd[4] = fb->pitches[0];
	g->next_cmd[5] = fb->format->format;
}

static const struct drm_plane_helper_funcs gfx_plane_helpers = {
	.prepare_fb = gfx_plane_prepare_fb,
	.atomic_check = gfx_plane_atomic_check,
	.atomic_update = gfx_plane_atomic_update,
};

static const struct drm_plane_funcs gfx_plane_funcs = {
	.update_plane = drm_atomic_helper_update_plane,
	.disable_plane = drm_atomic_helper_disable_plane,
	.destroy = drm_plane_cleanup,
	.reset = drm_atomic_helper_plane_reset,
	.atomic_duplicate_state = drm_atomic_helper_plane_duplicate_state,
	.atomic_destroy_state = drm_atomic_helper_plane_destroy_state,
};

static int gfx_connector_get_modes(struct drm_connector *connector)
{
	return drm_connector_helper_get_modes_fixed(connector, &to_gfx(connector->dev)->mode);
}

static const struct drm_connector_helper_funcs gfx_connector_helpers = {
	.get_modes = gfx_connector_get_modes,
};

/* No .detect: always connected. */
static const struct drm_connector_funcs gfx_connector_funcs = {
	.reset = drm_atomic_helper_connector_reset,
	.fill_modes = drm_helper_probe_single_connector_modes,
	.atomic_duplicate_state = drm_atomic_helper_connector_duplicate_state,
	.atomic_destroy_state = drm_atomic_helper_connector_destroy_state,
};

/* The FLIP's pitch rules: 4-byte aligned, at most GFX_MAX_STRIDE; LINEAR only. */
static struct drm_framebuffer *gfx_fb_create(struct drm_device *drm, struct drm_file *file,
					     const struct drm_mode_fb_cmd2 *cmd)
{
	if (cmd->pitches[0] % 4 || cmd->pitches[0] > GFX_MAX_STRIDE || cmd->offsets[0] % 4)
		return ERR_PTR(-EINVAL);
	/* The plane's formats and modifiers (IN_FORMATS); the core checks them only since 6.2. */
	if (!drm_any_plane_has_format(drm, cmd->pixel_format, cmd->modifier[0]))
		return ERR_PTR(-EINVAL);
	return drm_gem_fb_create(drm, file, cmd);
}

/*
 * Disables, enables, then planes (the FLIP, from the CRTC flush): the
 * CRTC's vblank is on before the first FLIP after a modeset is queued, so
 * its event, sent from FLIP_DONE, carries that vblank's count and time.
 * Inactive CRTCs get no flush; their events go out at once (no_vblank).
 */
static void gfx_commit_tail(struct drm_atomic_state *state)
{
	struct drm_device *drm = state->dev;

	drm_atomic_helper_commit_modeset_disables(drm, state);
	drm_atomic_helper_commit_modeset_enables(drm, state);
	drm_atomic_helper_commit_planes(drm, state, DRM_PLANE_COMMIT_ACTIVE_ONLY);
	drm_atomic_helper_fake_vblank(state);
	drm_atomic_helper_commit_hw_done(state);
	drm_atomic_helper_wait_for_flip_done(drm, state);
	drm_atomic_helper_cleanup_planes(drm, state);
}

static const struct drm_mode_config_helper_funcs gfx_mode_helpers = {
	.atomic_commit_tail = gfx_commit_tail,
};

static const struct drm_mode_config_funcs gfx_mode_funcs = {
	.fb_create = gfx_fb_create,
	.atomic_check = drm_atomic_helper_check,
	.atomic_commit = drm_atomic_helper_commit,
};

/*
 * The device's mode with reduced blanking, the pixel clock chosen so that
 * drm_mode_vrefresh() and the frame time match MODE_REFRESH (mHz).
 */
static void gfx_mode_init(struct gfx_dev *g)
{
	struct drm_display_mode *m = &g->mode;
	u32 w = gfx_rd(g, GFX_REG_MODE_WIDTH), h = gfx_rd(g, GFX_REG_MODE_HEIGHT);

	m->hdisplay = w;
	m->hsync_start = w + 48;
	m->hsync_end = w + 80;
	m->htotal = w + 160;
	m->vdisplay = h;
	m->vsync_start = h + 3;
	m->vsync_end = h + 8;
	m->vtotal = h + 35;
	m->clock = DIV_ROUND_CLOSEST_ULL((u64)g->refresh_mhz * m->htotal * m->vtotal, 1000000);
	m->type = DRM_MODE_TYPE_DRIVER;
	drm_mode_set_name(m);
}

static int gfx_kms_objects(struct gfx_dev *g)
{
	static const u64 modifiers[] = { DRM_FORMAT_MOD_LINEAR, DRM_FORMAT_MOD_INVALID };
	struct drm_device *drm = &g->drm;
	int ret;

	ret = drm_universal_plane_init(drm, &g->plane, 0, &gfx_plane_funcs, g->formats,
				       g->num_formats, modifiers, DRM_PLANE_TYPE_PRIMARY, NULL);
	if (ret)
		return ret;
	drm_plane_helper_add(&g->plane, &gfx_plane_helpers);
	ret = drmm_crtc_init_with_planes(drm, &g->crtc, &g->plane, NULL, &gfx_crtc_funcs, NULL);
	if (ret)
		return ret;
	drm_crtc_helper_add(&g->crtc, &gfx_crtc_helpers);
	ret = drmm_encoder_init(drm, &g->encoder, NULL, DRM_MODE_ENCODER_VIRTUAL, NULL);
	if (ret)
		return ret;
	g->encoder.possible_crtcs = drm_crtc_mask(&g->crtc);
	ret = drmm_connector_init(drm, &g->connector, &gfx_connector_funcs,
				  DRM_MODE_CONNECTOR_VIRTUAL, NULL);
	if (ret)
		return ret;
	drm_connector_helper_add(&g->connector, &gfx_connector_helpers);
	return drm_connector_attach_encoder(&g->connector, &g->encoder);
}

int gfx_kms_init(struct gfx_dev *g)
{
	struct drm_device *drm = &g->drm;
	int ret;

	ret = drmm_mode_config_init(drm);
	if (ret)
		return ret;
	drm->mode_config.min_width = 1;
	drm->mode_config.min_height = 1;
	drm->mode_config.max_width = GFX_MAX_SURFACE_SIDE;
	drm->mode_config.max_height = GFX_MAX_SURFACE_SIDE;
	drm->mode_config.preferred_depth = 24;
	drm->mode_config.prefer_shadow = 1;	/* reads from VRAM are uncached */
	drm->mode_config.funcs = &gfx_mode_funcs;
	drm->mode_config.helper_private = &gfx_mode_helpers;
	gfx_mode_init(g);
	g->clk_min = S64_MAX;
	g->clk_prev_min = S64_MAX;
	ret = gfx_kms_objects(g) ?: drm_vblank_init(drm, 1);
	if (ret)
		return ret;
	/*
	 * An exact hardware counter. The interrupt is not switched off at once
	 * (vblank_disable_immediate): while a client flips every frame, each
	 * flip would switch it on and off, two doorbells a frame, whereas its
	 * VBLANK comes in the same interrupt as the FLIP_DONE anyway.
	 */
	drm->max_vblank_count = 0xffffffff;
	return 0;
}
