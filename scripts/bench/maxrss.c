/* maxrss COMMAND [ARG...]: runs COMMAND and, after it exits, prints `maxrss-kib: N` (its peak
 * resident set, from wait4) as the last line on stderr; exits with its status.
 *
 * Why not wait4 in the bench's Python: a child's ru_maxrss includes the memory of the process
 * it was forked from, up to its exec, so every child of a Python process that holds 15 MiB or
 * more would report at least that much. This helper is small, so its children report their
 * own peak, as /usr/bin/time does. */
#include <stdio.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc < 2) {
        fputs("usage: maxrss COMMAND [ARG...]\n", stderr);
        return 2;
    }
    pid_t pid = fork();
    if (pid < 0) {
        perror("maxrss: fork");
        return 2;
    }
    if (pid == 0) {
        execvp(argv[1], argv + 1);
        perror("maxrss: exec");
        _exit(127);
    }
    int status = 0;
    struct rusage usage;
    if (wait4(pid, &status, 0, &usage) < 0) {
        perror("maxrss: wait4");
        return 2;
    }
    fprintf(stderr, "maxrss-kib: %ld\n", usage.ru_maxrss);
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    return 128 + WTERMSIG(status);
}
