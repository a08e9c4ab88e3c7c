// SPDX-License-Identifier: GPL-2.0
/*
 * firmware.c - the firmware loader's request/release API
 * (drivers/base/firmware_loader/main.c is not built: it reads files through
 * the VFS). The host looks a name up the way the kernel searches
 * /lib/firmware, for the instance the request runs for; what a driver sees
 * is what the kernel's loader gives it with CONFIG_FW_LOADER=y and no user
 * helper, no compression, no platform fallback:
 *  - a name that is empty or contains a ".." component is -EINVAL (the
 *    second with the kernel's warning);
 *  - a file that is not found is the host's error (-ENOENT), with
 *    "Direct firmware load for <name> failed with error -2" unless the
 *    caller asked not to warn (firmware_request_nowarn,
 *    request_firmware_direct);
 *  - on success a struct firmware whose data the driver may read until
 *    release_firmware(); on failure *fw is NULL.
 * Both allocations come from the instance's kernel memory, so a driver that
 * never releases its firmware leaks, and the leak is reported.
 */
#include <linux/device.h>
#include <linux/firmware.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "emul.h"

#define EMUL_FW_NO_WARN 1

/* A path component that is exactly ".." (name_contains_dotdot()). */
static bool emul_name_has_dotdot(const char *name)
{
	size_t len = strlen(name);
	const char *p = name;

	while ((p = strstr(p, ".."))) {
		bool starts = p == name || p[-1] == '/';
		bool ends = (size_t)(p - name) + 2 == len || p[2] == '/';

		if (starts && ends)
			return true;
		p += 2;
	}
	return false;
}

static int emul_request_firmware(const struct firmware **firmware_p, const char *name, struct device *device,
				 unsigned int flags)
{
	const unsigned char *data = NULL;
	unsigned long size = 0;
	struct firmware *fw;
	void *copy;
	int ret;

	if (!firmware_p)
		return -EINVAL;
	*firmware_p = NULL;
	if (!name || name[0] == '\0')
		return -EINVAL;
	if (emul_name_has_dotdot(name)) {
		dev_warn(device, "Firmware load for '%s' refused, path contains '..' component\n", name);
		return -EINVAL;
	}
	emul_store_flush();
	/* An empty file comes back as -EINVAL, as kernel_read_file() makes it. */
	ret = emul_host->firmware(emul_current.cookie, name, &data, &size);
	if (ret) {
		if (!(flags & EMUL_FW_NO_WARN))
			dev_warn(device, "Direct firmware load for %s failed with error %d\n", name, ret);
		return ret;
	}
	fw = kzalloc(sizeof(*fw), GFP_KERNEL);
	copy = kmalloc(size, GFP_KERNEL);
	if (!fw || !copy) {
		kfree(fw);
		kfree(copy);
		return -ENOMEM;
	}
	memcpy(copy, data, size);
	fw->size = size;
	fw->data = copy;
	fw->priv = copy;
	*firmware_p = fw;
	return 0;
}

/*
 * Each request is in the trace as an API call with the file's name and
 * what it returned, so the implementations' requests are compared: a
 * driver asking for another file, or through another call, differs even
 * where both files are served alike.
 */
static int emul_request_firmware_traced(const char *api, const struct firmware **firmware_p, const char *name,
					struct device *device, unsigned int flags)
{
	int ret;

	emul_trace(REFDRV_TR_API_ENTER, -1, api, name, 0);
	ret = emul_request_firmware(firmware_p, name, device, flags);
	emul_trace(REFDRV_TR_API_EXIT, -1, api, name, ret);
	return ret;
}

int request_firmware(const struct firmware **firmware_p, const char *name, struct device *device)
{
	return emul_request_firmware_traced("request_firmware", firmware_p, name, device, 0);
}

int firmware_request_nowarn(const struct firmware **firmware, const char *name, struct device *device)
{
	return emul_request_firmware_traced("firmware_request_nowarn", firmware, name, device, EMUL_FW_NO_WARN);
}

int request_firmware_direct(const struct firmware **firmware_p, const char *name, struct device *device)
{
	return emul_request_firmware_traced("request_firmware_direct", firmware_p, name, device, EMUL_FW_NO_WARN);
}

void release_firmware(const struct firmware *fw)
{
	if (!fw)
		return;
	kfree(fw->priv);
	kfree(fw);
}
