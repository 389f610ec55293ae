// SPDX-License-Identifier: MIT
/*
 * main.c - gfx-device: the reference GPU as a program.
 *
 * Sets up the shared memory (register page + VRAM), listens on the
 * ivshmem socket before anything else can want it, starts the display
 * controller and the command processor, then serves the sockets and
 * signals on this thread until SIGINT/SIGTERM.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "device.h"
#include "command_processor.h"
#include "control.h"
#include "display.h"
#include "engine.h"
#include "ivshmem_server.h"
#include "png_output.h"
#include "unix_socket.h"
#include "window.h"

#define DEFAULT_CONTEXTS 8

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: gfx-device --socket PATH [options]\n"
		"  --socket PATH          ivshmem server socket (control endpoint at PATH.ctl)\n"
		"  --vram MiB             BAR2 size, a power of two (default 128)\n"
		"  --contexts N           hardware contexts, 1..16 (default 8); QEMU needs vectors=N\n"
		"  --mode WxH@Hz          display mode (default 1920x1080@60)\n"
		"  --display KIND         none (default), png:DIR or window\n"
		"  --png-every N          with png:DIR, a frame every N vblanks (default 60)\n"
		"  --threads N            2D engine threads (default: online CPUs, at most 8)\n"
		"  -h, --help             this text\n"
		"See gfx-device(1).\n");
}

void device_wake_cp(struct device *d)
{
	uint64_t one = 1;

	if (write(d->wake_fd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		perror("gfx-device: wake");
}

static bool parse_mode(const char *s, struct device_config *cfg)
{
	unsigned int w, h;
	double hz;
	char extra;

	if (sscanf(s, "%ux%u@%lf%c", &w, &h, &hz, &extra) != 3)
		return false;
	if (w < 1 || h < 1 || w > 8192 || h > 8192 || hz < 1.0 || hz > 1000.0)
		return false;
	cfg->width = w;
	cfg->height = h;
	cfg->refresh_mhz = (uint32_t)(hz * 1000.0 + 0.5);
	return true;
}

static bool parse_number(const char *s, unsigned long max, unsigned long *out)
{
	char *end;

	errno = 0;
	*out = strtoul(s, &end, 10);
	return s[0] && s[0] != '-' && !*end && !errno && *out <= max;
}

static int parse_args(int argc, char **argv, struct device_config *cfg)
{
	static const struct option options[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "vram", required_argument, NULL, 'v' },
		{ "contexts", required_argument, NULL, 'c' },
		{ "mode", required_argument, NULL, 'm' },
		{ "display", required_argument, NULL, 'd' },
		{ "png-every", required_argument, NULL, 'p' },
		{ "threads", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	unsigned long n;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	int c;

	*cfg = (struct device_config){
		.vram_size = 128ull << 20,
		.contexts = DEFAULT_CONTEXTS,
		.width = 1920, .height = 1080, .refresh_mhz = 60000,
		.display = DISPLAY_NONE,
		.png_every = 60,
		.engine_threads = cpus < 1 ? 1 : cpus > 8 ? 8 : (unsigned int)cpus,
	};
	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (c) {
		case 's':
			cfg->socket_path = optarg;
			break;
		case 'v':
			if (!parse_number(optarg, 2048, &n) || n < 1 || (n & (n - 1))) {
				fprintf(stderr, "gfx-device: --vram must be a power of two from 1 to 2048 MiB "
						"(QEMU's BAR2 needs a power of two), not '%s'\n", optarg);
				return -1;
			}
			cfg->vram_size = (uint64_t)n << 20;
			break;
		case 'c':
			if (!parse_number(optarg, GFX_MAX_CONTEXTS, &n) || n < 1) {
				fprintf(stderr, "gfx-device: --contexts wants 1..%u, not '%s'\n",
					GFX_MAX_CONTEXTS, optarg);
				return -1;
			}
			cfg->contexts = (unsigned int)n;
			break;
		case 'm':
			if (!parse_mode(optarg, cfg)) {
				fprintf(stderr, "gfx-device: --mode wants WxH@Hz (e.g. 1920x1080@60), not '%s'\n",
					optarg);
				return -1;
			}
			break;
		case 'd':
			if (!strcmp(optarg, "none")) {
				cfg->display = DISPLAY_NONE;
			} else if (!strcmp(optarg, "window")) {
				cfg->display = DISPLAY_WINDOW;
			} else if (!strncmp(optarg, "png:", 4) && optarg[4]) {
				cfg->display = DISPLAY_PNG;
				cfg->png_dir = optarg + 4;
			} else {
				fprintf(stderr, "gfx-device: --display wants none, png:DIR or window, not '%s'\n",
					optarg);
				return -1;
			}
			break;
		case 'p':
			if (!parse_number(optarg, 1000000, &n) || n < 1) {
				fprintf(stderr, "gfx-device: --png-every wants a number >= 1, not '%s'\n", optarg);
				return -1;
			}
			cfg->png_every = (unsigned int)n;
			break;
		case 't':
			if (!parse_number(optarg, 64, &n) || n < 1) {
				fprintf(stderr, "gfx-device: --threads wants 1..64, not '%s'\n", optarg);
				return -1;
			}
			cfg->engine_threads = (unsigned int)n;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "gfx-device: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return -1;
	}
	if (!cfg->socket_path) {
		fprintf(stderr, "gfx-device: --socket PATH is required\n");
		usage(stderr);
		return -1;
	}
	/* Client windows: a fixed share each, so that even 16 contexts leave half of VRAM. */
	cfg->window_size = (uint32_t)(cfg->vram_size / (2 * GFX_MAX_CONTEXTS));
	if ((uint64_t)cfg->width * cfg->height * 4 + GFX_VRAM_START >
	    cfg->vram_size - (uint64_t)(cfg->contexts - 1) * cfg->window_size) {
		fprintf(stderr, "gfx-device: a %ux%u frame does not fit in %llu MiB of VRAM beside %u client windows\n",
			cfg->width, cfg->height, (unsigned long long)(cfg->vram_size >> 20), cfg->contexts - 1);
		return -1;
	}
	return 0;
}

static int create_vram(struct device *d)
{
	d->shm_fd = memfd_create("gfx-device-vram", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (d->shm_fd < 0) {
		fprintf(stderr, "gfx-device: memfd_create: %s\n", strerror(errno));
		return -1;
	}
	if (ftruncate(d->shm_fd, (off_t)d->cfg.vram_size) < 0) {
		fprintf(stderr, "gfx-device: cannot size VRAM to %llu bytes: %s\n",
			(unsigned long long)d->cfg.vram_size, strerror(errno));
		return -1;
	}
	/* A driver holds this fd too: it must not shrink VRAM under us (SIGBUS). */
	if (fcntl(d->shm_fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) < 0) {
		fprintf(stderr, "gfx-device: cannot seal VRAM: %s\n", strerror(errno));
		return -1;
	}
	d->bar2 = mmap(NULL, d->cfg.vram_size, PROT_READ | PROT_WRITE, MAP_SHARED, d->shm_fd, 0);
	if (d->bar2 == MAP_FAILED) {
		d->bar2 = NULL;
		fprintf(stderr, "gfx-device: cannot map VRAM: %s\n", strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * Our socket was removed or replaced (a test cleaned up its folder, another
 * device took the path): nobody can reach us any more.
 */
static bool socket_lost(const char *path, const struct stat *own)
{
	struct stat st;

	return stat(path, &st) < 0 || st.st_ino != own->st_ino || st.st_dev != own->st_dev;
}

/* Serve sockets and signals until asked to stop. */
static void main_loop(struct device *d, int listen_fd, struct control *ctl, int sig_fd)
{
	struct stat own;
	bool check_socket = stat(d->cfg.socket_path, &own) == 0;

	while (!atomic_load(&d->quit)) {
		struct pollfd pfd[4 + CONTROL_MAX_CLIENTS + 1];
		int n = 0, client_idx = -1, ctl_first, ctl_n;

		pfd[n++] = (struct pollfd){ .fd = sig_fd, .events = POLLIN };
		pfd[n++] = (struct pollfd){ .fd = listen_fd, .events = POLLIN };
		pthread_mutex_lock(&d->conn_lock);
		if (d->connected) {
			client_idx = n;
			pfd[n++] = (struct pollfd){ .fd = d->client_sock, .events = POLLIN };
		}
		pthread_mutex_unlock(&d->conn_lock);
		ctl_first = n;
		ctl_n = control_pollfds(ctl, pfd + n);
		n += ctl_n;

		if (poll(pfd, (nfds_t)n, 1000) < 0) {
			if (errno == EINTR)
				continue;
			perror("gfx-device: poll");
			break;
		}
		if (check_socket && client_idx < 0 && socket_lost(d->cfg.socket_path, &own)) {
			fprintf(stderr, "gfx-device: %s was removed or replaced; nobody can connect, exiting\n",
				d->cfg.socket_path);
			d->socket_lost = true;
			break;
		}
		if (pfd[0].revents & POLLIN) {
			struct signalfd_siginfo si;

			if (read(sig_fd, &si, sizeof(si)) == sizeof(si))
				fprintf(stderr, "gfx-device: %s, shutting down\n", strsignal((int)si.ssi_signo));
			atomic_store(&d->quit, true);
			break;
		}
		if (client_idx >= 0 && pfd[client_idx].revents)
			ivshmem_client_event(d);
		if (pfd[1].revents & POLLIN)
			ivshmem_accept(d, listen_fd);
		control_dispatch(ctl, pfd + ctl_first, ctl_n);
	}
}

int main(int argc, char **argv)
{
	struct device dev = { .shm_fd = -1, .wake_fd = -1, .client_sock = -1 };
	struct device *d = &dev;
	struct engine *engine = NULL;
	struct display *display = NULL;
	struct control *ctl = NULL;
	int listen_fd = -1, ctl_fd = -1, sig_fd = -1, status = 1;
	char err[512];
	sigset_t sigs;

	if (parse_args(argc, argv, &d->cfg) < 0)
		return 2;
	if (snprintf(d->ctl_path, sizeof(d->ctl_path), "%s.ctl", d->cfg.socket_path) >=
	    (int)sizeof(d->ctl_path)) {
		fprintf(stderr, "gfx-device: socket path too long: %s\n", d->cfg.socket_path);
		return 2;
	}

	/* Signals arrive through a signalfd on this thread; every thread inherits the mask. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);
	sig_fd = signalfd(-1, &sigs, SFD_CLOEXEC);

	/* Listen first: QEMU reads the handshake synchronously as soon as it starts. */
	listen_fd = unix_listen(d->cfg.socket_path, err, sizeof(err));
	if (listen_fd < 0) {
		fprintf(stderr, "gfx-device: %s\n", err);
		goto out;
	}
	ctl_fd = unix_listen(d->ctl_path, err, sizeof(err));
	if (ctl_fd < 0) {
		fprintf(stderr, "gfx-device: control endpoint: %s\n", err);
		goto out;
	}

	pthread_mutex_init(&d->conn_lock, NULL);
	pthread_cond_init(&d->conn_cond, NULL);
	pthread_mutex_init(&d->flip_lock, NULL);
	pthread_mutex_init(&d->input_lock, NULL);
	d->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (sig_fd < 0 || d->wake_fd < 0 || create_vram(d) < 0)
		goto out;
	registers_init(d);

	engine = engine_create(d->bar2, d->cfg.vram_size, d->cfg.engine_threads);
	d->cp = engine ? cp_create(d, engine) : NULL;
	ctl = control_create(d, ctl_fd);
	if (!d->cp || !ctl) {
		fprintf(stderr, "gfx-device: out of memory\n");
		goto out;
	}
	ctl_fd = -1;	/* owned by ctl now */

	if (d->cfg.display == DISPLAY_PNG) {
		d->png = png_output_create(d, d->cfg.png_dir, err, sizeof(err));
		if (!d->png) {
			fprintf(stderr, "gfx-device: png display: %s\n", err);
			goto out;
		}
	} else if (d->cfg.display == DISPLAY_WINDOW) {
		d->window = window_output_create(d, err, sizeof(err));
		if (!d->window)
			fprintf(stderr, "gfx-device: %s; running without a display (use png:DIR for frames)\n",
				err);
	}

	if (irq_delay_start(d) < 0 || cp_start(d->cp) < 0 || !(display = display_start(d))) {
		fprintf(stderr, "gfx-device: cannot start threads\n");
		atomic_store(&d->quit, true);
		goto out;
	}
	fprintf(stderr, "gfx-device: %ux%u@%u.%03u Hz, %llu MiB VRAM, %u contexts (%u KiB client windows), "
		"%u engine threads, socket %s\n",
		d->cfg.width, d->cfg.height, d->cfg.refresh_mhz / 1000, d->cfg.refresh_mhz % 1000,
		(unsigned long long)(d->cfg.vram_size >> 20), d->cfg.contexts, d->cfg.window_size >> 10,
		d->cfg.engine_threads, d->cfg.socket_path);

	main_loop(d, listen_fd, ctl, sig_fd);
	status = 0;

out:
	atomic_store(&d->quit, true);
	if (d->wake_fd >= 0)
		device_wake_cp(d);
	display_stop(display);
	cp_destroy(d->cp);	/* joins the thread if it was started */
	irq_delay_stop(d);
	ivshmem_disconnect(d);
	window_output_destroy(d->window);
	png_output_destroy(d->png);
	engine_destroy(engine);
	control_destroy(ctl);
	if (listen_fd >= 0) {
		close(listen_fd);
		if (!d->socket_lost)
			unlink(d->cfg.socket_path);
	}
	if (ctl_fd >= 0)
		close(ctl_fd);
	if ((ctl || ctl_fd >= 0 || status == 0) && !d->socket_lost)
		unlink(d->ctl_path);
	if (d->bar2) {
		/*
		 * Read back all-ones, like a PCI device that left the bus: a driver
		 * still mapping this memory (or a guest) sees that we are gone.
		 */
		reg_write(d, GFX_REG_STATUS, 0xffffffffu);
		reg_write(d, GFX_REG_MAGIC, 0xffffffffu);
		munmap(d->bar2, d->cfg.vram_size);
	}
	if (d->shm_fd >= 0)
		close(d->shm_fd);
	if (d->wake_fd >= 0)
		close(d->wake_fd);
	if (sig_fd >= 0)
		close(sig_fd);
	return status;
}
