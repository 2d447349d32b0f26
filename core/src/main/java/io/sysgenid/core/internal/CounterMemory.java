package io.sysgenid.core.internal;

import com.kenai.jffi.MemoryIO;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.lang.reflect.Field;

/**
 * Volatile reads and writes of a 32-bit word at a native address: the mapped counter. Not API.
 *
 * <p>{@code sun.misc.Unsafe.getIntVolatile(null, address)} where it is usable, called through constant
 * method handles (no compile-time dependency on the internal class): a single load, close to the cost of
 * a Java volatile field read. jffi's {@code MemoryIO}, which jnr's {@code Pointer} goes through, loads a
 * non-final static {@code Unsafe} on every access and measured 1.5 to 2 times slower; it is the fallback,
 * with explicit fences, where a JDK refuses {@code Unsafe} memory access (jffi then falls back to JNI).
 * On JDK 24+ the Unsafe path wants {@code --sun-misc-unsafe-memory-access=allow}, as jffi does anyway;
 * {@code -Dsysgenid.unsafe.disabled=true} forces the fallback.
 */
public final class CounterMemory {
    private static final MethodHandle GET_INT_VOLATILE;
    private static final MethodHandle PUT_INT_VOLATILE;
    private static final MemoryIO MEMORY = MemoryIO.getInstance();

    static {
        MethodHandle[] handles = unsafeAccessors();
        GET_INT_VOLATILE = handles[0];
        PUT_INT_VOLATILE = handles[1];
    }

    private CounterMemory() {}

    /** The word at {@code address}, with the ordering of a volatile read. */
    public static int readVolatile(long address) {
        if (GET_INT_VOLATILE != null) {
            try {
                return (int) GET_INT_VOLATILE.invokeExact((Object) null, address);
            } catch (Throwable e) {
                throw new AssertionError("Unsafe.getIntVolatile failed after its probe succeeded", e);
            }
        }
        int value = MEMORY.getInt(address);
        VarHandle.acquireFence();
        return value;
    }

    /** Writes the word at {@code address} with the ordering of a volatile write. */
    public static void writeVolatile(long address, int value) {
        if (PUT_INT_VOLATILE != null) {
            try {
                PUT_INT_VOLATILE.invokeExact((Object) null, address, value);
                return;
            } catch (Throwable e) {
                throw new AssertionError("Unsafe.putIntVolatile failed after its probe succeeded", e);
            }
        }
        VarHandle.releaseFence();
        MEMORY.putInt(address, value);
        VarHandle.fullFence();
    }

    /** Which implementation is in use, for diagnostics. */
    public static String implementation() {
        return GET_INT_VOLATILE != null ? "sun.misc.Unsafe" : "jffi MemoryIO";
    }

    /** {getIntVolatile, putIntVolatile} bound to the Unsafe instance, or nulls if unusable. */
    private static MethodHandle[] unsafeAccessors() {
        MethodHandle[] none = {null, null};
        if (Boolean.getBoolean("sysgenid.unsafe.disabled")) {
            return none;
        }
        try {
            Class<?> type = Class.forName("sun.misc.Unsafe");
            Field field = type.getDeclaredField("theUnsafe");
            field.setAccessible(true);
            Object unsafe = field.get(null);
            MethodHandles.Lookup lookup = MethodHandles.publicLookup();
            MethodHandle get = lookup.findVirtual(type, "getIntVolatile",
                    MethodType.methodType(int.class, Object.class, long.class)).bindTo(unsafe);
            MethodHandle put = lookup.findVirtual(type, "putIntVolatile",
                    MethodType.methodType(void.class, Object.class, long.class, int.class)).bindTo(unsafe);
            long probe = MEMORY.allocateMemory(Integer.BYTES, true);
            try {
                put.invokeExact((Object) null, probe, 42);
                return (int) get.invokeExact((Object) null, probe) == 42 ? new MethodHandle[] {get, put} : none;
            } finally {
                MEMORY.freeMemory(probe);
            }
        } catch (Throwable e) { // absent, inaccessible, or memory access denied by the JDK
            return none;
        }
    }
}
