package io.sysgenid.samples.workflows;

import io.sysgenid.core.SysGenIdAbi;
import io.sysgenid.core.SysGenIdDevice;
import java.io.PrintStream;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.function.Supplier;

/**
 * Workflow 3, the mapped-memory probe: a cached secret (a derived key, a token) kept with the generation it
 * was made in, checked against the device's mapped counter on every use: a plain memory read, no system
 * call. When the counter moved, the secret is rebuilt before it is handed out, and the change acknowledged.
 *
 * <p><b>The honest limit:</b> the probe can say "changed", never "certainly unchanged". The hypervisor's
 * change reaches the counter a moment after the VM resumes, so a use in that moment still gets the old
 * secret. The probe narrows the window for hot paths; a watcher (workflow 1 or 2) is what rebuilds
 * everything else.
 *
 * <p>Thread-safe: {@link #get()} is synchronized; it is meant for paths where a memory read per use is
 * affordable and a lock uncontended.
 */
public final class CachedSecret {
    private final SysGenIdDevice device;
    private final Supplier<byte[]> make;
    private byte[] secret;
    private int generation;
    private int rebuilds;

    /**
     * @param device an open file used only as a probe: on a deployed kernel tracking is turned off, so
     *     orchestrators do not wait for a file that never reads
     * @param make makes a fresh secret
     */
    public CachedSecret(SysGenIdDevice device, Supplier<byte[]> make) {
        this.device = device;
        this.make = make;
        if (device.abi() == SysGenIdAbi.DEPLOYED) {
            device.setTracking(false);
        }
        this.generation = device.currentGeneration();
        this.secret = make.get();
    }

    /** The secret, rebuilt first if the generation changed since it was made. */
    public synchronized byte[] get() {
        int now;
        while ((now = device.currentGeneration()) != generation) {
            generation = now;
            secret = make.get(); // rebuild, then confirm the generation we rebuilt for
            rebuilds++;
            device.ack(now);     // false if a newer one arrived: the loop sees it and rebuilds again
        }
        return secret.clone();
    }

    /** How many times the secret was rebuilt. */
    public synchronized int rebuilds() {
        return rebuilds;
    }

    /** The generation the secret was made in. */
    public synchronized int generation() {
        return generation;
    }

    /** {@code CachedSecret [--simulated | DEVICE] [--changes N]} */
    public static void main(String[] args) {
        System.exit(run(args, System.out));
    }

    static int run(String[] args, PrintStream out) {
        return DeviceOption.run(out, () -> {
            try (DeviceOption option = DeviceOption.parse(args, 3); SysGenIdDevice device = option.open()) {
                SecureRandom random = new SecureRandom();
                CachedSecret cache = new CachedSecret(device, () -> {
                    byte[] key = new byte[16];
                    random.nextBytes(key);
                    return key;
                });
                try (AutoCloseable restores = option.simulateRestores(out)) {
                    long deadline = System.nanoTime() + DeviceOption.PATIENCE.toNanos();
                    String last = "";
                    while (cache.rebuilds() < option.changes()) {
                        String now = HexFormat.of().formatHex(cache.get());
                        if (!now.equals(last)) {
                            out.println("secret for generation " + Integer.toUnsignedString(cache.generation()) + ": " + now);
                            last = now;
                        }
                        if (System.nanoTime() - deadline > 0) {
                            throw new IllegalStateException("no generation change within " + DeviceOption.PATIENCE);
                        }
                        Thread.sleep(20);
                    }
                }
            }
        });
    }
}
