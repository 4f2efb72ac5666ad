package org.vificlip.model;

import org.junit.jupiter.api.Test;

import javax.management.ObjectName;
import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assertions.assertTrue;

class JitDirectivesTest {
    @Test
    void sameDiffGraphCodeIsExcludedFromC2() throws Exception {
        assertTrue(JitDirectives.applyOnce(), "HotSpot should take the directive");
        assertTrue(JitDirectives.applyOnce(), "a second call keeps it");
        String printed = String.valueOf(ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), "compilerDirectivesPrint",
                new Object[]{new String[0]}, new String[]{String[].class.getName()}));
        int ours = printed.indexOf("org/nd4j/autodiff/*.*");   // on the directive's "matching:" line
        assertTrue(ours >= 0, printed);
        String c2 = printed.substring(printed.indexOf("c2 directives:", ours));
        assertTrue(c2.substring(0, c2.indexOf('\n', c2.indexOf("Exclude:"))).contains("Exclude:true"), printed);
    }
}
