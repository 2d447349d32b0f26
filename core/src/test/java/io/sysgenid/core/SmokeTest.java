package io.sysgenid.core;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SmokeTest {
    @Test
    void jnrLoads() {
        assertTrue(jnr.ffi.Platform.getNativePlatform().getOS() == jnr.ffi.Platform.OS.LINUX);
    }
}
