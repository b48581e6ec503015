// fileio: open/write/lseek/read/fstat/unlink syscalls plus raw write(1).
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int main(void) {
    char path[64];
    snprintf(path, sizeof path, "/tmp/egret-fileio-%d.tmp", (int)getpid());

    const char msg[] = "raw write to fd 1\n";
    ssize_t w = write(1, msg, sizeof msg - 1);
    if (w != (ssize_t)(sizeof msg - 1)) return 2;

    int fd = open(path, O_CREAT | O_TRUNC | O_RDWR, 0600);
    if (fd < 0) { printf("open failed\n"); return 1; }
    char data[3000];
    for (int i = 0; i < (int)sizeof data; i++) data[i] = (char)('A' + i % 26);
    ssize_t n = write(fd, data, sizeof data);
    printf("wrote %zd\n", n);

    off_t off = lseek(fd, 0, SEEK_CUR);
    printf("pos after write=%ld\n", (long)off);
    off = lseek(fd, 100, SEEK_SET);
    char rb[64];
    n = read(fd, rb, 26);
    rb[n] = 0;
    printf("read %zd at 100: %s\n", n, rb);
    off = lseek(fd, -10, SEEK_END);
    n = read(fd, rb, sizeof rb);
    rb[n] = 0;
    printf("read %zd at end-10 (pos %ld): %s\n", n, (long)off, rb);
    n = read(fd, rb, sizeof rb);
    printf("read at eof=%zd\n", n);

    /* pwrite/pread */
    n = pwrite(fd, "0123456789", 10, 5);
    char pb[16] = {0};
    ssize_t m = pread(fd, pb, 15, 0);
    printf("pwrite=%zd pread=%zd: %.15s\n", n, m, pb);

    /* fchmod is not subject to the umask, so the printed mode is deterministic */
    if (fchmod(fd, 0640) != 0) { printf("fchmod failed\n"); return 1; }
    struct stat st;
    if (fstat(fd, &st) != 0) { printf("fstat failed\n"); return 1; }
    printf("fstat size=%ld regular=%d mode=%o\n", (long)st.st_size, S_ISREG(st.st_mode), st.st_mode & 0777);
    close(fd);

    if (stat(path, &st) == 0) printf("stat size=%ld\n", (long)st.st_size);

    /* reopen with stdio, append, read whole file */
    FILE *f = fopen(path, "a+");
    fputs("\nappended line\n", f);
    fseek(f, 0, SEEK_SET);
    long total = 0, lines = 0;
    int c;
    unsigned sum = 0;
    while ((c = fgetc(f)) != EOF) {
        total++;
        sum = sum * 31 + (unsigned)c;
        if (c == '\n') lines++;
    }
    fclose(f);
    printf("stdio total=%ld lines=%ld sum=%08x\n", total, lines, sum);

    int u = unlink(path);
    printf("unlink=%d exists-after=%d\n", u, access(path, F_OK) == 0);
    int bad = open("/nonexistent-dir-egret/x", O_RDONLY);
    printf("open missing=%d\n", bad);

    fputs("this goes to stderr\n", stderr);
    printf("done\n");
    return 0;
}
