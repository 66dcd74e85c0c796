package dev.longplay.server.bridge;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/** The few libc calls a shared-memory ring needs, bound with JNA direct mapping (glibc ≥ 2.34 has shm_* in libc). */
final class PosixShm {
    static final int O_RDWR = 2;
    static final int O_CREAT = 0100;
    static final int O_EXCL = 0200;
    static final int PROT_READ = 1;
    static final int PROT_WRITE = 2;
    static final int MAP_SHARED = 1;
    static final int EEXIST = 17;

    static {
        Native.register(PosixShm.class, "c");
    }

    private PosixShm() {
    }

    static native int shm_open(String name, int flags, int mode) throws LastErrorException;

    static native int shm_unlink(String name) throws LastErrorException;

    static native int ftruncate(int fd, long length) throws LastErrorException;

    static native Pointer mmap(Pointer addr, long length, int prot, int flags, int fd, long offset) throws LastErrorException;

    static native int munmap(Pointer addr, long length) throws LastErrorException;

    static native int close(int fd) throws LastErrorException;
}
