package org.vificlip.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * JavaCPP reads its limits once per JVM, so this checks the properties {@link NativeMemoryLimits} leaves for
 * it: the machine's memory when none is given, the user's values untouched otherwise. (Without them, a
 * {@code -Xmx2g} run stops at 8 GB of resident memory: see the class comment.)
 */
class NativeMemoryLimitsTest {
    private static final String[] KEYS = {NativeMemoryLimits.MAX_BYTES, NativeMemoryLimits.MAX_PHYSICAL_BYTES,
            "org.bytedeco.javacpp.maxBytes", "org.bytedeco.javacpp.maxPhysicalBytes"};
    private final String[] saved = new String[KEYS.length];

    @BeforeEach
    void clear() {
        for (int i = 0; i < KEYS.length; i++) {
            saved[i] = System.getProperty(KEYS[i]);
            System.clearProperty(KEYS[i]);
        }
    }

    @AfterEach
    void restore() {
        for (int i = 0; i < KEYS.length; i++) {
            if (saved[i] == null) {
                System.clearProperty(KEYS[i]);
            } else {
                System.setProperty(KEYS[i], saved[i]);
            }
        }
    }

    @Test
    void bothLimitsBecomeThePhysicalMemoryWhenNotGiven() {
        NativeMemoryLimits.applyDefaults();
        String physical = Long.toString(((com.sun.management.OperatingSystemMXBean)
                ManagementFactory.getOperatingSystemMXBean()).getTotalMemorySize());
        assertEquals(physical, System.getProperty(NativeMemoryLimits.MAX_BYTES));
        assertEquals(physical, System.getProperty(NativeMemoryLimits.MAX_PHYSICAL_BYTES));
    }

    @Test
    void givenLimitsAreKeptInEitherSpelling() {
        System.setProperty(NativeMemoryLimits.MAX_BYTES, "3G");
        System.setProperty("org.bytedeco.javacpp.maxPhysicalBytes", "5G");
        NativeMemoryLimits.applyDefaults();
        assertEquals("3G", System.getProperty(NativeMemoryLimits.MAX_BYTES));
        assertEquals(null, System.getProperty(NativeMemoryLimits.MAX_PHYSICAL_BYTES));
        assertEquals("5G", System.getProperty("org.bytedeco.javacpp.maxPhysicalBytes"));
    }
}
