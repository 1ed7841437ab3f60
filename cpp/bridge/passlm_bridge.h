/*===- passlm_bridge.h - the C interface between the plugin and Python ----===*
 *
 * The plugin never links libpython. It dlopens libpython (RTLD_GLOBAL) when
 * the process has no Python yet, then dlopens this bridge library (built like
 * an extension module, Python symbols undefined) and calls these functions,
 * found with dlsym. Strings in, strings out; every returned string is
 * malloc'ed and released with passlm_bridge_free.
 *
 *===----------------------------------------------------------------------===*/
#ifndef PASSLM_BRIDGE_H
#define PASSLM_BRIDGE_H

#ifdef __cplusplus
extern "C" {
#endif

/* Starts an isolated interpreter for `executable` unless Python is already
 * running in this process, imports the bridge module from `bridge_path`
 * (which sets nanobind up before any use) and releases the GIL.
 * Returns 0, or non-zero with a message in *error. Call once. */
typedef int (*passlm_bridge_start_fn)(const char *bridge_path,
                                      const char *executable, char **error);
int passlm_bridge_start(const char *bridge_path, const char *executable,
                        char **error);

/* Hands a request (a passlm.messages message, JSON) to passlm.bridge.handle
 * and returns its reply, an error reply when the engine failed. Returns 0
 * with the reply in *response, or non-zero when Python itself failed (the
 * bridge module does not import, ...) with a one-line message
 * ("ExceptionType: text") in *response. Thread-safe (takes the GIL). */
typedef int (*passlm_bridge_call_fn)(const char *request, char **response);
int passlm_bridge_call(const char *request, char **response);

typedef void (*passlm_bridge_free_fn)(char *text);
void passlm_bridge_free(char *text);

#ifdef __cplusplus
}
#endif
#endif
