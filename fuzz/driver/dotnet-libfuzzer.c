/*
 * A libFuzzer driver for a .NET harness that calls SharpFuzz's Fuzzer.LibFuzzer.Run.
 *
 * libFuzzer runs in this process; the .NET harness runs as a child process started once and
 * kept for the whole run (persistent mode). They talk through what SharpFuzz 2.3.0 expects:
 *   - one System V shared-memory segment: the first MAP_SIZE bytes are SharpFuzz's branch
 *     bitmap (its instrumentation increments bitmap[cur ^ prev]), the input follows it;
 *   - a control pipe (driver -> harness): the input's length as a native-endian int32;
 *   - a status pipe (harness -> driver): an int32, 0 when the input ran without an uncaught
 *     exception, non-zero otherwise; one 0 is written once the harness is ready;
 *   - the segment id and the two pipe file descriptors in the environment variables
 *     __LIBFUZZER_SHM_ID, __LIBFUZZER_CONTROL_PIPE_ID and __LIBFUZZER_STATUS_PIPE_ID.
 * After each input the bitmap is copied into libFuzzer's "extra counters" section, so that
 * libFuzzer sees the managed code's coverage as its own. A non-zero status, or a harness that
 * died (a StackOverflowException, an OutOfMemoryException that ends the runtime), aborts this
 * process, which libFuzzer reports as a crash and saves the input as an artifact.
 *
 * Build: clang -O1 -fsanitize=fuzzer dotnet-libfuzzer.c -o dotnet-libfuzzer
 * Run:   FUZZ_HARNESS=path/to/Harness.dll ./dotnet-libfuzzer [libFuzzer flags] CORPUS_DIR...
 *        (FUZZ_DOTNET names the dotnet executable when it is not "dotnet" on PATH).
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/prctl.h>
#include <sys/shm.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#include <fcntl.h>

enum { MAP_SIZE = 1 << 16, MAX_INPUT = 1 << 20 };

/* libFuzzer on Linux treats every byte of this section as a coverage counter. */
__attribute__((used, section("__libfuzzer_extra_counters"))) static uint8_t managed_counters[MAP_SIZE];

static uint8_t *shared;
static int control_fd = -1;
static int status_fd = -1;
static pid_t harness = -1;

static void fail(const char *what)
{
    fprintf(stderr, "dotnet-libfuzzer: %s: %s\n", what, errno ? strerror(errno) : "unexpected end");
    exit(2);
}

static int write_all(int fd, const void *buf, size_t len)
{
    const uint8_t *p = buf;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return 0;
        p += n;
        len -= (size_t)n;
    }
    return 1;
}

static int read_all(int fd, void *buf, size_t len)
{
    uint8_t *p = buf;
    while (len > 0) {
        ssize_t n = read(fd, p, len);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return 0;
        p += n;
        len -= (size_t)n;
    }
    return 1;
}

static void stop_harness(void)
{
    if (harness > 0) {
        kill(harness, SIGKILL);
        waitpid(harness, NULL, 0);
        harness = -1;
    }
}

static void start_harness(void)
{
    const char *dll = getenv("FUZZ_HARNESS");
    const char *dotnet = getenv("FUZZ_DOTNET");
    if (dll == NULL || *dll == '\0') {
        fprintf(stderr, "dotnet-libfuzzer: set FUZZ_HARNESS to the harness's .dll\n");
        exit(2);
    }
    if (dotnet == NULL || *dotnet == '\0') dotnet = "dotnet";

    int shm_id = shmget(IPC_PRIVATE, MAP_SIZE + MAX_INPUT, IPC_CREAT | 0600);
    if (shm_id < 0) fail("shmget");
    shared = shmat(shm_id, NULL, 0);
    if (shared == (void *)-1) fail("shmat");
    /* Linux lets the child attach a segment already marked for removal; marking it now means
       it goes away with the last process that has it, however the run ends. */
    shmctl(shm_id, IPC_RMID, NULL);

    int control[2], status[2];
    if (pipe(control) != 0 || pipe(status) != 0) fail("pipe");

    pid_t driver = getpid();
    harness = fork();
    if (harness < 0) fail("fork");
    if (harness == 0) {
        char value[32];
        /* libFuzzer ends a timed-out run with _exit, skipping atexit: the harness, perhaps
           spinning on the input that hung, must not outlive the driver. */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != driver) _exit(1);
        close(control[1]);
        close(status[0]);
        snprintf(value, sizeof value, "%d", shm_id);
        setenv("__LIBFUZZER_SHM_ID", value, 1);
        snprintf(value, sizeof value, "%d", control[0]);
        setenv("__LIBFUZZER_CONTROL_PIPE_ID", value, 1);
        snprintf(value, sizeof value, "%d", status[1]);
        setenv("__LIBFUZZER_STATUS_PIPE_ID", value, 1);
        execlp(dotnet, dotnet, dll, (char *)NULL);
        perror("dotnet-libfuzzer: exec");
        _exit(127);
    }

    close(control[0]);
    close(status[1]);
    control_fd = control[1];
    status_fd = status[0];
    fcntl(control_fd, F_SETFD, FD_CLOEXEC);
    fcntl(status_fd, F_SETFD, FD_CLOEXEC);
    atexit(stop_harness);

    int32_t ready;
    errno = 0;
    if (!read_all(status_fd, &ready, sizeof ready) || ready != 0) fail("the harness did not start");
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    /* A harness that died shows as a failed read, not as SIGPIPE killing the driver unnoticed. */
    signal(SIGPIPE, SIG_IGN);
    start_harness();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > MAX_INPUT) size = MAX_INPUT;
    memset(shared, 0, MAP_SIZE);
    memcpy(shared + MAP_SIZE, data, size);

    int32_t length = (int32_t)size;
    int32_t status = -1;
    if (!write_all(control_fd, &length, sizeof length) || !read_all(status_fd, &status, sizeof status)) {
        fprintf(stderr, "dotnet-libfuzzer: the .NET harness died on this input\n");
        abort();
    }

    memcpy(managed_counters, shared, MAP_SIZE);
    if (status != 0) {
        fprintf(stderr, "dotnet-libfuzzer: the .NET harness threw on this input (status %d)\n", status);
        abort();
    }
    return 0;
}
