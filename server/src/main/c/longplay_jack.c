/*
 * longplay_jack: the JACK client's process callback in C, so that the audio thread allocates nothing.
 *
 * jnajack (over JNA) boxes arguments and wraps port buffers on every period. Here JACK calls plain C; C copies the
 * input ports into fixed buffers, reads the frame time and transport, makes one JNI call with primitive arguments
 * into Java (the mixer, JackPlayerClient.cycle), and copies Java's output buffers into the output ports. Java sees
 * the buffers as direct ByteBuffers made once at open. libjack is opened with dlopen, so building needs only a C
 * compiler and the JDK's jni.h (no JACK headers), and the server runs without JACK installed.
 */
#include <jni.h>
#include <dlfcn.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef uint32_t jack_nframes_t;
typedef struct jack_client jack_client_t;
typedef struct jack_port jack_port_t;

/* From jack/types.h: options, port flags, transport state, and the jack_position_t fields read here. */
enum { JACK_NO_START_SERVER = 0x01, JACK_SERVER_NAME = 0x04 };
enum { PORT_IS_INPUT = 0x1, PORT_IS_OUTPUT = 0x2, PORT_IS_PHYSICAL = 0x4 };
enum { TRANSPORT_ROLLING = 1, POSITION_BBT = 0x10 };
#define AUDIO_TYPE "32 bit float mono audio"
#define POSITION_BYTES 136
#define POS_VALID 24
#define POS_BAR 28
#define POS_BEAT 32
#define POS_TICK 36
#define POS_BEATS_PER_BAR 48
#define POS_TICKS_PER_BEAT 56
#define POS_BPM 64

static struct {
    void *lib;
    jack_client_t *(*client_open)(const char *, int, int *, ...);
    int (*client_close)(jack_client_t *);
    char *(*get_client_name)(jack_client_t *);
    jack_nframes_t (*get_sample_rate)(jack_client_t *);
    jack_nframes_t (*get_buffer_size)(jack_client_t *);
    jack_port_t *(*port_register)(jack_client_t *, const char *, const char *, unsigned long, unsigned long);
    void *(*port_get_buffer)(jack_port_t *, jack_nframes_t);
    const char *(*port_name)(const jack_port_t *);
    int (*set_process_callback)(jack_client_t *, int (*)(jack_nframes_t, void *), void *);
    int (*set_xrun_callback)(jack_client_t *, int (*)(void *), void *);
    int (*activate)(jack_client_t *);
    int (*deactivate)(jack_client_t *);
    jack_nframes_t (*last_frame_time)(const jack_client_t *);
    jack_nframes_t (*frame_time)(const jack_client_t *);
    int (*transport_query)(const jack_client_t *, void *);
    float (*cpu_load)(jack_client_t *);
    int (*connect)(jack_client_t *, const char *, const char *);
    const char **(*get_ports)(jack_client_t *, const char *, const char *, unsigned long);
    void (*jack_free)(void *);
} jack;

typedef struct {
    JavaVM *vm;
    JNIEnv *env;              /* the process thread's, once attached */
    jobject target;           /* global ref to the JackPlayerClient */
    jmethodID cycle;
    jack_client_t *client;
    int outputs, inputs, max_frames;
    jack_port_t **out, **in;
    float *out_buf, *in_buf;  /* [port][max_frames] */
    unsigned char position[POSITION_BYTES] __attribute__((aligned(8)));
    atomic_int xruns;
    atomic_int closing;       /* set before deactivation: the process thread detaches from the JVM */
    atomic_int detached;
} shim_t;

static int load_jack(char *why, size_t size) {
    if (jack.lib) {
        return 1;
    }
    void *lib = dlopen("libjack.so.0", RTLD_NOW | RTLD_GLOBAL);
    if (!lib) {
        snprintf(why, size, "libjack is not installed (%s)", dlerror());
        return 0;
    }
#define BIND(field, symbol) \
    if (!(*(void **) &jack.field = dlsym(lib, symbol))) { snprintf(why, size, "libjack lacks %s", symbol); return 0; }
    BIND(client_open, "jack_client_open")
    BIND(client_close, "jack_client_close")
    BIND(get_client_name, "jack_get_client_name")
    BIND(get_sample_rate, "jack_get_sample_rate")
    BIND(get_buffer_size, "jack_get_buffer_size")
    BIND(port_register, "jack_port_register")
    BIND(port_get_buffer, "jack_port_get_buffer")
    BIND(port_name, "jack_port_name")
    BIND(set_process_callback, "jack_set_process_callback")
    BIND(set_xrun_callback, "jack_set_xrun_callback")
    BIND(activate, "jack_activate")
    BIND(deactivate, "jack_deactivate")
    BIND(last_frame_time, "jack_last_frame_time")
    BIND(frame_time, "jack_frame_time")
    BIND(transport_query, "jack_transport_query")
    BIND(cpu_load, "jack_cpu_load")
    BIND(connect, "jack_connect")
    BIND(get_ports, "jack_get_ports")
    BIND(jack_free, "jack_free")
#undef BIND
    jack.lib = lib;
    return 1;
}

static int on_xrun(void *arg) {
    atomic_fetch_add(&((shim_t *) arg)->xruns, 1);
    return 0;
}

static void silence(shim_t *s, jack_nframes_t n) {
    for (int p = 0; p < s->outputs; p++) {
        memset(jack.port_get_buffer(s->out[p], n), 0, n * sizeof(float));
    }
}

/* The audio thread. No allocation, lock or I/O except the JVM attach on the first period. */
static int process(jack_nframes_t n, void *arg) {
    shim_t *s = arg;
    if (atomic_load(&s->closing)) {
        if (s->env && !atomic_load(&s->detached)) {
            (*s->vm)->DetachCurrentThread(s->vm);
            s->env = NULL;
            atomic_store(&s->detached, 1);
        }
        silence(s, n);
        return 0;
    }
    if (!s->env) {
        JavaVMAttachArgs args = {JNI_VERSION_1_8, "jack-process", NULL};
        if ((*s->vm)->AttachCurrentThreadAsDaemon(s->vm, (void **) &s->env, &args) != JNI_OK) {
            s->env = NULL;
            silence(s, n);
            return 0;
        }
    }
    if ((int) n > s->max_frames) {
        silence(s, n);
        return 0;
    }
    for (int p = 0; p < s->inputs; p++) {
        memcpy(s->in_buf + (size_t) p * s->max_frames, jack.port_get_buffer(s->in[p], n), n * sizeof(float));
    }
    jack_nframes_t frame = jack.last_frame_time(s->client);
    int state = jack.transport_query(s->client, s->position);
    int32_t valid, bar, beat, tick;
    float beats_per_bar;
    double ticks_per_beat, bpm = 0, position = 0;
    memcpy(&valid, s->position + POS_VALID, 4);
    jboolean bbt = (valid & POSITION_BBT) != 0;
    if (bbt) {
        memcpy(&bar, s->position + POS_BAR, 4);
        memcpy(&beat, s->position + POS_BEAT, 4);
        memcpy(&tick, s->position + POS_TICK, 4);
        memcpy(&beats_per_bar, s->position + POS_BEATS_PER_BAR, 4);
        memcpy(&ticks_per_beat, s->position + POS_TICKS_PER_BEAT, 8);
        memcpy(&bpm, s->position + POS_BPM, 8);
        position = (bar - 1) * (double) beats_per_bar + (beat - 1) + (ticks_per_beat > 0 ? tick / ticks_per_beat : 0);
    }
    JNIEnv *env = s->env;
    jboolean ok = (*env)->CallBooleanMethod(env, s->target, s->cycle, (jlong) frame, (jint) n, bbt,
                                            (jboolean) (state == TRANSPORT_ROLLING), (jdouble) position, (jdouble) bpm);
    if ((*env)->ExceptionCheck(env)) {
        (*env)->ExceptionClear(env);
        ok = JNI_FALSE;
    }
    for (int p = 0; p < s->outputs; p++) {
        float *dst = jack.port_get_buffer(s->out[p], n);
        if (ok) {
            memcpy(dst, s->out_buf + (size_t) p * s->max_frames, n * sizeof(float));
        } else {
            memset(dst, 0, n * sizeof(float));
        }
    }
    return 0;
}

static void throw_unavailable(JNIEnv *env, const char *message) {
    jclass c = (*env)->FindClass(env, "dev/longplay/server/jack/JackUnavailableException");
    if (c) {
        (*env)->ThrowNew(env, c, message);
    }
}

static void free_shim(JNIEnv *env, shim_t *s) {
    if (s->target) {
        (*env)->DeleteGlobalRef(env, s->target);
    }
    free(s->out);
    free(s->in);
    free(s->out_buf);
    free(s->in_buf);
    free(s);
}

#define SHIM(h) ((shim_t *) (intptr_t) (h))

JNIEXPORT jlong JNICALL Java_dev_longplay_server_jack_JackShim_open(JNIEnv *env, jclass cls, jstring jname, jstring jserver,
                                                                    jobjectArray outNames, jobjectArray inNames,
                                                                    jint maxFrames, jobject target) {
    char why[256];
    if (!load_jack(why, sizeof why)) {
        throw_unavailable(env, why);
        return 0;
    }
    shim_t *s = calloc(1, sizeof(shim_t));
    (*env)->GetJavaVM(env, &s->vm);
    s->outputs = (*env)->GetArrayLength(env, outNames);
    s->inputs = (*env)->GetArrayLength(env, inNames);
    s->max_frames = maxFrames;
    s->out = calloc(s->outputs ? s->outputs : 1, sizeof(jack_port_t *));
    s->in = calloc(s->inputs ? s->inputs : 1, sizeof(jack_port_t *));
    s->out_buf = calloc((size_t) (s->outputs ? s->outputs : 1) * maxFrames, sizeof(float));
    s->in_buf = calloc((size_t) (s->inputs ? s->inputs : 1) * maxFrames, sizeof(float));
    s->target = (*env)->NewGlobalRef(env, target);
    jclass tc = (*env)->GetObjectClass(env, target);
    s->cycle = (*env)->GetMethodID(env, tc, "cycle", "(JIZZDD)Z");
    if (!s->cycle) {
        free_shim(env, s);
        return 0; /* NoSuchMethodError is pending */
    }
    const char *name = (*env)->GetStringUTFChars(env, jname, NULL);
    const char *server = jserver ? (*env)->GetStringUTFChars(env, jserver, NULL) : NULL;
    int status = 0;
    s->client = server ? jack.client_open(name, JACK_NO_START_SERVER | JACK_SERVER_NAME, &status, server)
                       : jack.client_open(name, JACK_NO_START_SERVER, &status);
    (*env)->ReleaseStringUTFChars(env, jname, name);
    if (server) {
        (*env)->ReleaseStringUTFChars(env, jserver, server);
    }
    if (!s->client) {
        snprintf(why, sizeof why, "no JACK server answers (jack_client_open status 0x%x)", status);
        free_shim(env, s);
        throw_unavailable(env, why);
        return 0;
    }
    for (int dir = 0; dir < 2; dir++) {
        jobjectArray names = dir == 0 ? outNames : inNames;
        int count = dir == 0 ? s->outputs : s->inputs;
        for (int p = 0; p < count; p++) {
            jstring js = (*env)->GetObjectArrayElement(env, names, p);
            const char *pn = (*env)->GetStringUTFChars(env, js, NULL);
            jack_port_t *port = jack.port_register(s->client, pn, AUDIO_TYPE, dir == 0 ? PORT_IS_OUTPUT : PORT_IS_INPUT, 0);
            (*env)->ReleaseStringUTFChars(env, js, pn);
            if (!port) {
                jack.client_close(s->client);
                free_shim(env, s);
                throw_unavailable(env, "JACK refused to register a port");
                return 0;
            }
            (dir == 0 ? s->out : s->in)[p] = port;
        }
    }
    jack.set_xrun_callback(s->client, on_xrun, s);
    jack.set_process_callback(s->client, process, s);
    return (jlong) (intptr_t) s;
}

JNIEXPORT void JNICALL Java_dev_longplay_server_jack_JackShim_activate(JNIEnv *env, jclass cls, jlong h) {
    if (jack.activate(SHIM(h)->client) != 0) {
        throw_unavailable(env, "jack_activate failed");
    }
}

JNIEXPORT jobject JNICALL Java_dev_longplay_server_jack_JackShim_buffer(JNIEnv *env, jclass cls, jlong h, jboolean output) {
    shim_t *s = SHIM(h);
    int ports = output ? s->outputs : s->inputs;
    return (*env)->NewDirectByteBuffer(env, output ? s->out_buf : s->in_buf, (jlong) ports * s->max_frames * sizeof(float));
}

JNIEXPORT jint JNICALL Java_dev_longplay_server_jack_JackShim_sampleRate(JNIEnv *env, jclass cls, jlong h) {
    return (jint) jack.get_sample_rate(SHIM(h)->client);
}

JNIEXPORT jint JNICALL Java_dev_longplay_server_jack_JackShim_bufferSize(JNIEnv *env, jclass cls, jlong h) {
    return (jint) jack.get_buffer_size(SHIM(h)->client);
}

JNIEXPORT jstring JNICALL Java_dev_longplay_server_jack_JackShim_clientName(JNIEnv *env, jclass cls, jlong h) {
    return (*env)->NewStringUTF(env, jack.get_client_name(SHIM(h)->client));
}

JNIEXPORT jstring JNICALL Java_dev_longplay_server_jack_JackShim_portName(JNIEnv *env, jclass cls, jlong h, jboolean output,
                                                                         jint index) {
    shim_t *s = SHIM(h);
    return (*env)->NewStringUTF(env, jack.port_name(output ? s->out[index] : s->in[index]));
}

JNIEXPORT jint JNICALL Java_dev_longplay_server_jack_JackShim_connect(JNIEnv *env, jclass cls, jlong h, jstring jsrc,
                                                                     jstring jdst) {
    const char *src = (*env)->GetStringUTFChars(env, jsrc, NULL);
    const char *dst = (*env)->GetStringUTFChars(env, jdst, NULL);
    int rc = jack.connect(SHIM(h)->client, src, dst);
    (*env)->ReleaseStringUTFChars(env, jsrc, src);
    (*env)->ReleaseStringUTFChars(env, jdst, dst);
    return rc;
}

JNIEXPORT jobjectArray JNICALL Java_dev_longplay_server_jack_JackShim_physicalPlaybackPorts(JNIEnv *env, jclass cls, jlong h) {
    const char **ports = jack.get_ports(SHIM(h)->client, NULL, AUDIO_TYPE, PORT_IS_INPUT | PORT_IS_PHYSICAL);
    int n = 0;
    while (ports && ports[n]) {
        n++;
    }
    jobjectArray out = (*env)->NewObjectArray(env, n, (*env)->FindClass(env, "java/lang/String"), NULL);
    for (int i = 0; i < n; i++) {
        (*env)->SetObjectArrayElement(env, out, i, (*env)->NewStringUTF(env, ports[i]));
    }
    if (ports) {
        jack.jack_free(ports);
    }
    return out;
}

JNIEXPORT jlong JNICALL Java_dev_longplay_server_jack_JackShim_frameTime(JNIEnv *env, jclass cls, jlong h) {
    return (jlong) jack.frame_time(SHIM(h)->client);
}

JNIEXPORT jint JNICALL Java_dev_longplay_server_jack_JackShim_xruns(JNIEnv *env, jclass cls, jlong h) {
    return atomic_load(&SHIM(h)->xruns);
}

JNIEXPORT void JNICALL Java_dev_longplay_server_jack_JackShim_resetXruns(JNIEnv *env, jclass cls, jlong h) {
    atomic_store(&SHIM(h)->xruns, 0);
}

JNIEXPORT jfloat JNICALL Java_dev_longplay_server_jack_JackShim_cpuLoad(JNIEnv *env, jclass cls, jlong h) {
    return jack.cpu_load(SHIM(h)->client);
}

/* Lets the process thread detach from the JVM on its next period (bounded wait), then closes the client. */
JNIEXPORT void JNICALL Java_dev_longplay_server_jack_JackShim_close(JNIEnv *env, jclass cls, jlong h) {
    shim_t *s = SHIM(h);
    atomic_store(&s->closing, 1);
    struct timespec nap = {0, 2000000};
    for (int i = 0; i < 250 && s->env && !atomic_load(&s->detached); i++) {
        nanosleep(&nap, NULL);
    }
    jack.deactivate(s->client);
    jack.client_close(s->client);
    free_shim(env, s);
}
