/* SPDX-License-Identifier: MIT */
/* pacer.c - virtual vblanks for displays that have none (pacer.h). */
#include <errno.h>
#include <string.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "pacer.h"

int gfx_pacer_init(struct gfx_device *dev, struct gfx_pacer *p, uint64_t period_ns)
{
	*p = (struct gfx_pacer){ .t0 = gfx_now_ns(), .period_ns = period_ns };
	p->timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	return p->timer_fd < 0 ? gfx_set_error(dev, -errno, "timerfd: %s", strerror(errno)) : 0;
}

void gfx_pacer_fini(struct gfx_pacer *p)
{
	if (p->timer_fd >= 0)
		close(p->timer_fd);
	p->timer_fd = -1;
}

uint64_t gfx_pacer_seq(const struct gfx_pacer *p, int64_t t)
{
	return t <= p->t0 ? 0 : (uint64_t)(t - p->t0) / p->period_ns;
}

int64_t gfx_pacer_time(const struct gfx_pacer *p, uint64_t seq)
{
	return p->t0 + (int64_t)(seq * p->period_ns);
}

/* The timer at the virtual vblank after now, if anyone waits for one; else off. */
static void arm(struct gfx_pacer *p)
{
	struct itimerspec its = { 0 };
	int64_t t;

	t = p->held || p->vblanks ? gfx_pacer_time(p, gfx_pacer_seq(p, gfx_now_ns()) + 1) : 0;
	if (t == p->armed_ns)
		return;		/* armed for that one already */
	its.it_value.tv_sec = t / 1000000000LL;
	its.it_value.tv_nsec = t % 1000000000LL;
	timerfd_settime(p->timer_fd, TFD_TIMER_ABSTIME, &its, NULL);
	p->armed_ns = t;
}

void gfx_pacer_set_period(struct gfx_pacer *p, uint64_t period_ns)
{
	int64_t now = gfx_now_ns();
	uint64_t seq = gfx_pacer_seq(p, now);

	if (period_ns == p->period_ns)
		return;
	p->t0 = gfx_pacer_time(p, seq) - (int64_t)(seq * period_ns);
	p->period_ns = period_ns;
	p->armed_ns = -1;	/* for the old period's time: arm again */
	arm(p);
}

void gfx_pacer_hold(struct gfx_pacer *p, uint64_t user_data, uint64_t after)
{
	p->held = true;
	p->held_user_data = user_data;
	p->held_after = after;
	arm(p);
}

void gfx_pacer_set_vblanks(struct gfx_pacer *p, bool on)
{
	p->vblanks = on;
	arm(p);
}

bool gfx_pacer_tick(struct gfx_device *dev, struct gfx_pacer *p, struct gfx_evq *q)
{
	int64_t now = gfx_now_ns();
	uint64_t junk, seq = gfx_pacer_seq(p, now);
	uint64_t t = (uint64_t)gfx_pacer_time(p, seq);
	bool shown = false;

	/* The clock says whether the timer fired: no system call when it has not. */
	if (p->armed_ns <= 0 || now < p->armed_ns)
		return false;
	/* The clock may pass the time just before the timer fires: arm() resets it either way. */
	(void)!read(p->timer_fd, &junk, sizeof(junk));
	p->armed_ns = -1;	/* unknown: arm() sets it again, or disarms it */
	if (p->held && seq > p->held_after) {
		p->held = false;
		shown = true;
		gfx_evq_push(dev, q, &(struct gfx_event){ .type = GFX_EVENT_FLIP_DONE, .seq = seq,
			     .time_ns = t, .user_data = p->held_user_data });
	}
	if (p->vblanks && seq > p->last_seq)
		gfx_evq_push(dev, q, &(struct gfx_event){ .type = GFX_EVENT_VBLANK, .seq = seq,
			     .time_ns = t });
	p->last_seq = seq;
	arm(p);
	return shown;
}

void gfx_pacer_sleep(const struct gfx_pacer *p, uint64_t *seq, uint64_t *time_ns)
{
	uint64_t next = gfx_pacer_seq(p, gfx_now_ns()) + 1;
	int64_t t = gfx_pacer_time(p, next);
	struct timespec ts = { t / 1000000000LL, t % 1000000000LL };

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
	if (seq)
		*seq = next;
	if (time_ns)
		*time_ns = (uint64_t)t;
}
