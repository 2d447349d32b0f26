package io.sysgenid.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The mmap path of the real device's counter, on a regular file standing in for the device's page (a
 * kernel without the module has no other shared page whose first word another writer changes).
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class MappedCounterPageTest {
    @TempDir
    Path directory;

    private Path page(int value) throws Exception {
        Path file = directory.resolve("page");
        ByteBuffer bytes = ByteBuffer.allocate(Libc.get().getpagesize()).order(ByteOrder.nativeOrder());
        bytes.putInt(0, value);
        Files.write(file, bytes.array());
        return file;
    }

    private static void write(Path file, int value) throws Exception {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(0, value), 0);
        }
    }

    private static int openReadOnly(Path file) {
        int fd = Libc.get().open(file.toString(), Libc.O_CLOEXEC, 0);
        assertTrue(fd >= 0, "open " + file);
        return fd;
    }

    private static boolean mapped(Path file) throws Exception {
        return Files.readAllLines(Path.of("/proc/self/maps")).stream().anyMatch(l -> l.endsWith(file.toString()));
    }

    @Test
    void readsTheFirstWordAsItChanges() throws Exception {
        Path file = page(41);
        int fd = openReadOnly(file);
        MappedCounterPage page = MappedCounterPage.map(fd, file.toString());
        Libc.get().close(fd);
        assertEquals(41, page.read(), "the mapping outlives the descriptor");
        write(file, 0xFFFF_FFFF);
        assertEquals(0xFFFF_FFFF, page.read());
        page.release();
    }

    @Test
    void aReaderLoopSeesAChangeMadeByAnotherWriter() throws Exception {
        Path file = page(0);
        int fd = openReadOnly(file);
        MappedCounterPage page = MappedCounterPage.map(fd, file.toString());
        Libc.get().close(fd);
        CountDownLatch started = new CountDownLatch(1);
        AtomicReference<Integer> seen = new AtomicReference<>();
        Thread reader = new Thread(() -> {
            started.countDown();
            int value;
            while ((value = page.read()) == 0) {
                // a JIT that hoisted the load out of this loop would never see the change
            }
            seen.set(value);
        });
        reader.start();
        assertTrue(started.await(10, TimeUnit.SECONDS));
        write(file, 7);
        reader.join(10_000);
        assertEquals(7, seen.get());
        page.release();
    }

    @Test
    void releaseDropsTheFileMappingAtOnceAndFreezesTheLastValue() throws Exception {
        Path file = page(5);
        int fd = openReadOnly(file);
        MappedCounterPage page = MappedCounterPage.map(fd, file.toString());
        Libc.get().close(fd);
        assertTrue(mapped(file));
        page.release();
        page.release();
        assertFalse(mapped(file), "the device's open file is no longer held");
        assertEquals(5, page.read(), "a reader racing with close sees the last value, and never crashes");
        write(file, 6);
        assertEquals(5, page.read());
    }

    @Test
    void readersRacingWithReleaseNeverCrash() throws Exception {
        for (int round = 0; round < 20; round++) {
            Path file = page(round);
            int fd = openReadOnly(file);
            MappedCounterPage page = MappedCounterPage.map(fd, file.toString());
            Libc.get().close(fd);
            AtomicBoolean stop = new AtomicBoolean();
            CountDownLatch started = new CountDownLatch(1);
            int expected = round;
            AtomicReference<Integer> wrong = new AtomicReference<>();
            Thread reader = new Thread(() -> {
                started.countDown();
                while (!stop.get()) {
                    int value = page.read();
                    if (value != expected) {
                        wrong.set(value);
                    }
                }
            });
            reader.start();
            assertTrue(started.await(10, TimeUnit.SECONDS));
            page.release();
            stop.set(true);
            reader.join(10_000);
            assertEquals(null, wrong.get(), "a racing reader sees the last value");
            Files.delete(file);
        }
    }

    @Test
    void aFailedMapNamesTheOperationAndErrno() {
        io.sysgenid.core.SysGenIdException e = org.junit.jupiter.api.Assertions.assertThrows(
                io.sysgenid.core.SysGenIdException.class, () -> MappedCounterPage.map(-1, "/dev/sysgenid"));
        assertEquals("mmap /dev/sysgenid failed: EBADF (9, Bad file descriptor)", e.getMessage());
    }
}
