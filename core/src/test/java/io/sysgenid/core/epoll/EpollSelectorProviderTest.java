package io.sysgenid.core.epoll;

import static io.sysgenid.core.epoll.EpollNative.EPOLLERR;
import static io.sysgenid.core.epoll.EpollNative.EPOLLHUP;
import static io.sysgenid.core.epoll.EpollNative.EPOLLIN;
import static io.sysgenid.core.epoll.EpollNative.EPOLLOUT;
import static io.sysgenid.core.epoll.EpollNative.EPOLLPRI;
import static java.nio.channels.SelectionKey.OP_ACCEPT;
import static java.nio.channels.SelectionKey.OP_CONNECT;
import static java.nio.channels.SelectionKey.OP_READ;
import static java.nio.channels.SelectionKey.OP_WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sysgenid.core.epoll.EpollNative.EventLayout;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.util.List;
import java.util.concurrent.TimeUnit;
import jnr.ffi.Platform;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;

// A separate thread: a selection that ignores interrupts would otherwise hang the build.
@Timeout(value = 20, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class EpollSelectorProviderTest {
    @Test
    void eachOpenSelectorIsANewOpenSelectorOfTheProvider() throws IOException {
        EpollSelectorProvider provider = new EpollSelectorProvider();
        try (EpollSelector a = provider.openSelector(); EpollSelector b = provider.openSelector()) {
            assertNotSame(a, b);
            assertSame(provider, a.provider());
            assertTrue(a.isOpen());
            assertTrue(a.keys().isEmpty());
            assertTrue(a.selectedKeys().isEmpty());
        }
    }

    @Test
    void providersAreIndependent() {
        assertNotSame(new EpollSelectorProvider(), new EpollSelectorProvider());
    }

    @Test
    void theOtherFactoriesPointToJnrEnxioAndTheJdk() {
        EpollSelectorProvider provider = new EpollSelectorProvider();
        List<Executable> factories = List.of(
                provider::openDatagramChannel,
                () -> provider.openDatagramChannel(StandardProtocolFamily.INET),
                provider::openPipe,
                provider::openServerSocketChannel,
                () -> provider.openServerSocketChannel(StandardProtocolFamily.INET),
                provider::openSocketChannel,
                () -> provider.openSocketChannel(StandardProtocolFamily.INET));
        for (Executable factory : factories) {
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, factory);
            assertTrue(e.getMessage().contains("jnr-enxio") && e.getMessage().contains("JDK"), e.getMessage());
        }
    }

    @Test
    void epollEventLayoutIsPackedOnX86Only() {
        assertEquals(12, EventLayout.forCpu(Platform.CPU.X86_64).size);
        assertEquals(4, EventLayout.forCpu(Platform.CPU.X86_64).dataOffset);
        assertEquals(12, EventLayout.forCpu(Platform.CPU.I386).size);
        assertEquals(16, EventLayout.forCpu(Platform.CPU.AARCH64).size);
        assertEquals(8, EventLayout.forCpu(Platform.CPU.AARCH64).dataOffset);
        assertEquals(16, EventLayout.forCpu(Platform.CPU.RISCV64).size);
        assertThrows(UnsupportedOperationException.class, () -> EventLayout.forCpu(Platform.CPU.MIPS64EL));
        assertThrows(UnsupportedOperationException.class, () -> EventLayout.forCpu(Platform.CPU.SPARCV9));
        if (Platform.getNativePlatform().getCPU() == Platform.CPU.X86_64) {
            assertSame(EventLayout.PACKED, EventLayout.current());
        }
    }

    @Test
    void readyOpsTranslationFollowsTheInterestSet() {
        int all = OP_READ | OP_WRITE | OP_ACCEPT | OP_CONNECT;
        assertEquals(OP_READ | OP_ACCEPT, EpollSelector.translateReadyOps(EPOLLIN, all));
        assertEquals(OP_READ, EpollSelector.translateReadyOps(EPOLLPRI, OP_READ | OP_WRITE));
        assertEquals(OP_WRITE | OP_CONNECT, EpollSelector.translateReadyOps(EPOLLOUT, all));
        assertEquals(0, EpollSelector.translateReadyOps(EPOLLOUT, OP_READ));
        assertEquals(0, EpollSelector.translateReadyOps(EPOLLIN, OP_WRITE));
        assertEquals(OP_WRITE, EpollSelector.translateReadyOps(EPOLLHUP, OP_WRITE));
        assertEquals(OP_READ | OP_WRITE, EpollSelector.translateReadyOps(EPOLLERR | EPOLLOUT, OP_READ | OP_WRITE));
        assertEquals(0, EpollSelector.translateReadyOps(EPOLLHUP, 0));
    }
}
