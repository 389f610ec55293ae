/* SPDX-License-Identifier: MIT */
/* fixture.c - start, reach and stop a gfx-device for tests (see fixture.h). */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <png.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fixture.h"

int64_t fixture_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

bool fixture_is_drm(struct gfx_device *dev)
{
	struct gfx_info info;

	return gfx_get_info(dev, &info) == 0 && strcmp(info.backend, "drm") == 0;
}

bool fixture_has_regs(struct gfx_device *dev)
{
	struct gfx_info info;

	return gfx_get_info(dev, &info) == 0 &&
	       (strcmp(info.backend, "direct") == 0 || strcmp(info.backend, "uio") == 0);
}

int fixture_info(struct gfx_device *dev, struct gfx_info *info)
{
	return gfx_get_info(dev, info) == 0 ? 0 : -1;
}

static int find_bin(struct fixture *f)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n < 0)
		return -1;
	exe[n] = 0;
	snprintf(f->bin, sizeof(f->bin), "%s/../bin", dirname(exe));
	return 0;
}

static int split_args(char *s, char **argv, int max)
{
	int n = 0;

	for (char *t = strtok(s, " "); t && n < max - 1; t = strtok(NULL, " "))
		argv[n++] = t;
	argv[n] = NULL;
	return n;
}

int fixture_start_own(struct fixture *f, const char *extra)
{
	char path[600], extra_copy[256] = "", *argv[32];
	int64_t deadline;
	struct stat st;
	int argc = 0, status;

	memset(f, 0, sizeof(*f));
	f->pid = -1;
	if (find_bin(f) < 0)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/gfx-test-XXXXXX");
	if (!mkdtemp(f->dir)) {
		perror("mkdtemp");
		return -1;
	}
	snprintf(f->sock, sizeof(f->sock), "%s/gpu.sock", f->dir);
	snprintf(f->spec, sizeof(f->spec), "direct:%s", f->sock);
	snprintf(path, sizeof(path), "%s/gfx-device", f->bin);
	if (extra)
		snprintf(extra_copy, sizeof(extra_copy), "%s", extra);
	argv[argc++] = path;
	argv[argc++] = "--socket";
	argv[argc++] = f->sock;
	argv[argc++] = "--display";
	argv[argc++] = "none";
	split_args(extra_copy, argv + argc, 32 - argc);

	f->pid = fork();
	if (f->pid < 0)
		return -1;
	if (f->pid == 0) {
		char log[128];
		int fd;

		snprintf(log, sizeof(log), "%s/device.log", f->dir);
		fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execv(path, argv);
		fprintf(stderr, "exec %s: %s\n", path, strerror(errno));
		_exit(127);
	}
	deadline = fixture_now_ns() + 10000000000LL;
	while (stat(f->sock, &st) < 0 || !S_ISSOCK(st.st_mode)) {
		if (waitpid(f->pid, &status, WNOHANG) == f->pid) {
			fprintf(stderr, "fixture: %s exited at start (status 0x%x; log in %s)\n",
				path, status, f->dir);
			f->pid = -1;
			return -1;
		}
		if (fixture_now_ns() > deadline) {
			fprintf(stderr, "fixture: %s did not create %s\n", path, f->sock);
			fixture_stop(f);
			return -1;
		}
		usleep(5000);
	}
	return 0;
}

int fixture_start(struct fixture *f, const char *extra)
{
	const char *env = getenv("GFX_DEVICE");

	if (env && *env) {
		const char *ctl = getenv("GFX_CTL");

		memset(f, 0, sizeof(*f));
		f->external = true;
		f->pid = -1;
		snprintf(f->spec, sizeof(f->spec), "%s", env);
		if (ctl && *ctl) {
			snprintf(f->ctl, sizeof(f->ctl), "%s", ctl);
			/* A place for screenshots. */
			snprintf(f->dir, sizeof(f->dir), "/tmp/gfx-test-XXXXXX");
			if (!mkdtemp(f->dir)) {
				perror("fixture: mkdtemp");
				f->dir[0] = 0;
			}
		}
		return 0;
	}
	return fixture_start_own(f, extra);
}

int fixture_kill(struct fixture *f, int sig)
{
	if (f->pid <= 0)
		return -1;
	if (kill(f->pid, sig) < 0)
		return -1;
	waitpid(f->pid, NULL, 0);
	f->pid = -1;
	return 0;
}

void fixture_stop(struct fixture *f)
{
	char path[256];

	if (f->pid > 0 && !f->external) {
		int64_t deadline = fixture_now_ns() + 2000000000LL;

		kill(f->pid, SIGTERM);
		while (waitpid(f->pid, NULL, WNOHANG) == 0) {
			if (fixture_now_ns() > deadline) {
				kill(f->pid, SIGKILL);
				waitpid(f->pid, NULL, 0);
				break;
			}
			usleep(2000);
		}
		f->pid = -1;
	}
	if (f->dir[0]) {
		snprintf(path, sizeof(path), "rm -rf '%s'", f->dir);
		if (system(path) != 0)
			fprintf(stderr, "fixture: could not remove %s\n", f->dir);
		f->dir[0] = 0;
	}
}

struct gfx_device *fixture_open(struct fixture *f)
{
	struct gfx_device *dev = NULL;
	int r;

	for (int tries = 0; tries < 100; tries++) {
		r = gfx_open(f->spec, &dev);
		if (r != -ECONNREFUSED && r != -ENOENT && r != -EBUSY)
			break;
		usleep(10000);	/* still starting, or the last client is being detached */
	}
	if (r < 0) {
		fprintf(stderr, "fixture: gfx_open(%s): %s\n", f->spec, gfx_last_error(NULL));
		return NULL;
	}
	return dev;
}

const char *fixture_no_ctl(const struct fixture *f)
{
	const char *spec = getenv("GFX_DEVICE");

	if (f->external && spec && !strncmp(spec, "kms", 3))
		return "a KMS device (kms:) is not our GPU: gfx-ctl has no screenshots, faults or "
		       "input for it";
	if (f->external && spec && !strncmp(spec, "virtio", 6))
		return "virtio-gpu (virtio:) is not our GPU: gfx-ctl has no screenshots, faults or "
		       "input for it";
	if (!f->external)
		return f->sock[0] ? NULL : "no device started";
	if (!f->ctl[0])
		return "needs gfx-ctl: GFX_DEVICE names an external device and GFX_CTL "
		       "(a gfx-ctl command for it) is not set";
	return NULL;
}

int fixture_ctl(struct fixture *f, char *out, size_t out_len, const char *fmt, ...)
{
	char args[512], cmd[1200];
	va_list ap;
	FILE *p;
	size_t n = 0;
	int status;

	if (out && out_len)
		out[0] = 0;
	if (fixture_no_ctl(f)) {
		if (out && out_len)
			snprintf(out, out_len, "%s", fixture_no_ctl(f));
		return -1;
	}
	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	if (f->external)	/* $GFX_CTL ARGS, words split by the shell as in a script */
		snprintf(cmd, sizeof(cmd), "%s %s 2>&1", f->ctl, args);
	else
		snprintf(cmd, sizeof(cmd), "'%s/gfx-ctl' --socket '%s' %s 2>&1", f->bin, f->sock,
			 args);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	if (out && out_len) {
		n = fread(out, 1, out_len - 1, p);
		out[n] = 0;
	} else {
		char junk[256];

		while (fread(junk, 1, sizeof(junk), p) > 0)
			;
	}
	status = pclose(p);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int fixture_screenshot(struct fixture *f, uint32_t **pixels, uint32_t *w, uint32_t *h)
{
	char file[200], out[512];
	png_image img;

	if (!f->dir[0]) {
		fprintf(stderr, "fixture: no directory for the screenshot\n");
		return -1;
	}
	snprintf(file, sizeof(file), "%s/shot.png", f->dir);
	unlink(file);
	if (fixture_ctl(f, out, sizeof(out), "screenshot '%s'", file) != 0) {
		fprintf(stderr, "fixture: gfx-ctl screenshot failed: %s\n", out);
		return -1;
	}
	memset(&img, 0, sizeof(img));
	img.version = PNG_IMAGE_VERSION;
	if (!png_image_begin_read_from_file(&img, file))
		return -1;
	img.format = PNG_FORMAT_BGRA;	/* little-endian ARGB8888 words */
	*pixels = malloc(PNG_IMAGE_SIZE(img));
	if (!*pixels || !png_image_finish_read(&img, NULL, *pixels, 0, NULL)) {
		free(*pixels);
		png_image_free(&img);
		return -1;
	}
	*w = img.width;
	*h = img.height;
	return 0;
}
