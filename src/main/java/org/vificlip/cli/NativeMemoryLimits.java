package org.vificlip.cli;

import java.lang.management.ManagementFactory;

/**
 * JavaCPP's limits on ND4J's off-heap memory, set to the machine's physical memory unless the user set them.
 * <p>
 * By default JavaCPP derives them from the Java heap: {@code maxbytes} = {@code -Xmx} and
 * {@code maxphysicalbytes} = {@code maxbytes} + 3 × {@code -Xmx}, 8 GB for the {@code -Xmx2g} the README
 * gives for training. Above that it throws {@code OutOfMemoryError} ("Cannot allocate new LongPointer(2):
 * totalBytes = 256, physicalBytes = 8194M") however much memory the machine has left: ViT-B/16 full
 * fine-tuning at B=2, T=8, 101 classes died that way after its first step, on a 24 GB machine where it
 * peaked at 9 GB. The training runs' buffer pool ({@code model/BufferPool}) holds up to a quarter of
 * {@code maxbytes}, so it follows the machine's size too, as in {@code benchmarks/train}. JavaCPP reads the
 * properties once, when its {@code Pointer} class is first used: this must run before anything touches ND4J.
 */
public final class NativeMemoryLimits {
    static final String MAX_BYTES = "org.bytedeco.javacpp.maxbytes";
    static final String MAX_PHYSICAL_BYTES = "org.bytedeco.javacpp.maxphysicalbytes";

    private NativeMemoryLimits() {
    }

    public static void applyDefaults() {
        long physical = physicalMemory();
        if (physical <= 0) {
            return;   // unknown: JavaCPP's defaults stay
        }
        setUnlessGiven(MAX_BYTES, "org.bytedeco.javacpp.maxBytes", physical);
        setUnlessGiven(MAX_PHYSICAL_BYTES, "org.bytedeco.javacpp.maxPhysicalBytes", physical);
    }

    private static void setUnlessGiven(String key, String camelCaseKey, long bytes) {
        if (System.getProperty(key) == null && System.getProperty(camelCaseKey) == null) {
            System.setProperty(key, Long.toString(bytes));
        }
    }

    private static long physicalMemory() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getTotalMemorySize();
        }
        return -1;
    }
}
