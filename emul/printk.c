// SPDX-License-Identifier: GPL-2.0
/*
 * printk.c - printk, dev_printk and netdev_printk into the instance log.
 *
 * Formatting is the tree's own lib/vsprintf.c, so %pV, %pe and the other
 * kernel extensions print what they print in the kernel.  Prefixes follow
 * the kernel's: "<driver> <device>: " for dev_*(), "<netdev>: " for
 * netdev_*() without a parent device.  A line without a level gets the
 * default (KERN_WARNING, as MESSAGE_LOGLEVEL_DEFAULT is 4); KERN_CONT
 * continues the previous line.
 */
#include <linux/kernel.h>
#include <linux/printk.h>
#include <linux/device.h>
#include <linux/netdevice.h>

#include <linux/version.h>

#include "emul.h"

#define EMUL_LINE_MAX 1024

static char emul_line[EMUL_LINE_MAX];
static size_t emul_line_len;
static int emul_line_level = -1;

static void emul_flush_line(void)
{
	if (emul_line_level < 0)
		return;
	emul_line[emul_line_len] = '\0';
	emul_store_flush();  /* a state stored before the line is reported before it */
	emul_host->log(emul_current.cookie, emul_line_level, emul_line);
	emul_line_len = 0;
	emul_line_level = -1;
}

/* An abandoned instance may have stopped in the middle of a line: drop it,
 * it must not become the start of the next instance's first line. */
void emul_printk_abandon(void)
{
	emul_line_len = 0;
	emul_line_level = -1;
}

/* Append text (which may contain several lines) at `level`. */
static void emul_log_text(int level, bool cont, const char *text)
{
	if (!cont)
		emul_flush_line();
	if (emul_line_level < 0)
		emul_line_level = level;
	for (; *text; text++) {
		if (*text == '\n') {
			emul_flush_line();
			emul_line_level = level;
			continue;
		}
		if (emul_line_len < EMUL_LINE_MAX - 1)
			emul_line[emul_line_len++] = *text;
	}
	if (emul_line_len == 0)
		emul_line_level = -1;
}

void emul_log_line(int level, const char *text)
{
	emul_log_text(level, false, text);
	emul_flush_line();
}

static int emul_vprintk_level(int default_level, const char *fmt, va_list args)
{
	static char buf[EMUL_LINE_MAX];
	int level = LOGLEVEL_DEFAULT, len;
	bool cont = false;
	const char *text;

	len = vscnprintf(buf, sizeof(buf), fmt, args);
	text = buf;
	/* As printk_parse_prefix(): the first level prefix is the message's
	 * (a dev_*() message's level comes first, before its text). */
	while (printk_get_level(text)) {
		char c = printk_get_level(text);

		if (c >= '0' && c <= '7' && level == LOGLEVEL_DEFAULT)
			level = c - '0';
		else if (c == 'c')
			cont = true;
		text = printk_skip_level(text);
	}
	if (level == LOGLEVEL_DEFAULT)
		level = default_level;
	emul_log_text(level, cont, text);
	return len;
}

int vprintk(const char *fmt, va_list args)
{
	return emul_vprintk_level(CONFIG_MESSAGE_LOGLEVEL_DEFAULT, fmt, args);
}

asmlinkage __visible int _printk(const char *fmt, ...)
{
	va_list args;
	int r;

	va_start(args, fmt);
	r = vprintk(fmt, args);
	va_end(args);
	return r;
}

/* ---- device messages ---- */

const char *dev_driver_string(const struct device *dev)
{
	struct device_driver *drv = READ_ONCE(dev->driver);

	if (drv)
		return drv->name;
	if (dev->bus)
		return dev->bus->name;
	if (dev->class)
		return dev->class->name;
	return "";
}

static void emul_dev_vprintk(int level, const struct device *dev, const char *fmt, va_list args)
{
	struct va_format vaf;
	va_list copy;

	va_copy(copy, args);
	vaf.fmt = fmt;
	vaf.va = &copy;
	if (dev)
		printk("%c%d%s %s: %pV", KERN_SOH_ASCII, level, dev_driver_string(dev),
		       dev_name(dev), &vaf);
	else
		printk("%c%d(NULL device *): %pV", KERN_SOH_ASCII, level, &vaf);
	va_end(copy);
}

int dev_vprintk_emit(int level, const struct device *dev, const char *fmt, va_list args)
{
	emul_dev_vprintk(level, dev, fmt, args);
	return 0;
}

int dev_printk_emit(int level, const struct device *dev, const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	emul_dev_vprintk(level, dev, fmt, args);
	va_end(args);
	return 0;
}

void _dev_printk(const char *level, const struct device *dev, const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	emul_dev_vprintk(printk_get_level(level) - '0', dev, fmt, args);
	va_end(args);
}

#define EMUL_DEV_LEVEL(func, lvl)						\
	void func(const struct device *dev, const char *fmt, ...)		\
	{									\
		va_list args;							\
										\
		va_start(args, fmt);						\
		emul_dev_vprintk(lvl, dev, fmt, args);				\
		va_end(args);							\
	}

EMUL_DEV_LEVEL(_dev_emerg, LOGLEVEL_EMERG)
EMUL_DEV_LEVEL(_dev_alert, LOGLEVEL_ALERT)
EMUL_DEV_LEVEL(_dev_crit, LOGLEVEL_CRIT)
EMUL_DEV_LEVEL(_dev_err, LOGLEVEL_ERR)
EMUL_DEV_LEVEL(_dev_warn, LOGLEVEL_WARNING)
EMUL_DEV_LEVEL(_dev_notice, LOGLEVEL_NOTICE)
EMUL_DEV_LEVEL(_dev_info, LOGLEVEL_INFO)

/* dev_err_probe(): prints unless the error is -EPROBE_DEFER (a debug
 * message) or, from the 6.12 tree on (6.1's prints it), -ENOMEM; returns it. */
int dev_err_probe(const struct device *dev, int err, const char *fmt, ...)
{
	struct va_format vaf;
	va_list args;
	bool silent = err == -EPROBE_DEFER;

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
	silent = silent || err == -ENOMEM;
#endif
	va_start(args, fmt);
	vaf.fmt = fmt;
	vaf.va = &args;
	if (!silent)
		dev_printk_emit(LOGLEVEL_ERR, dev, "error %pe: %pV", ERR_PTR(err), &vaf);
	va_end(args);
	return err;
}

/* ---- net_device messages ---- */

static void emul_netdev_vprintk(int level, const struct net_device *dev, const char *fmt,
				va_list args)
{
	struct va_format vaf;
	va_list copy;

	va_copy(copy, args);
	vaf.fmt = fmt;
	vaf.va = &copy;
	if (dev && dev->dev.parent)
		dev_printk_emit(level, dev->dev.parent, "%s: %pV", netdev_name(dev), &vaf);
	else if (dev)
		printk("%c%d%s: %pV", KERN_SOH_ASCII, level, netdev_name(dev), &vaf);
	else
		printk("%c%d(NULL net_device): %pV", KERN_SOH_ASCII, level, &vaf);
	va_end(copy);
}

void netdev_printk(const char *level, const struct net_device *dev, const char *format, ...)
{
	va_list args;

	va_start(args, format);
	emul_netdev_vprintk(printk_get_level(level) - '0', dev, format, args);
	va_end(args);
}

#define EMUL_NETDEV_LEVEL(func, lvl)						\
	void func(const struct net_device *dev, const char *format, ...)	\
	{									\
		va_list args;							\
										\
		va_start(args, format);						\
		emul_netdev_vprintk(lvl, dev, format, args);			\
		va_end(args);							\
	}

EMUL_NETDEV_LEVEL(netdev_emerg, LOGLEVEL_EMERG)
EMUL_NETDEV_LEVEL(netdev_alert, LOGLEVEL_ALERT)
EMUL_NETDEV_LEVEL(netdev_crit, LOGLEVEL_CRIT)
EMUL_NETDEV_LEVEL(netdev_err, LOGLEVEL_ERR)
EMUL_NETDEV_LEVEL(netdev_warn, LOGLEVEL_WARNING)
EMUL_NETDEV_LEVEL(netdev_notice, LOGLEVEL_NOTICE)
EMUL_NETDEV_LEVEL(netdev_info, LOGLEVEL_INFO)
