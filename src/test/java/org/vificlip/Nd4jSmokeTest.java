package org.vificlip;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;
import static org.junit.jupiter.api.Assertions.assertEquals;

class Nd4jSmokeTest {
    @Test void matmul() {
        var a = Nd4j.ones(2, 3);
        var b = Nd4j.ones(3, 4);
        assertEquals(3.0, a.mmul(b).getDouble(0, 0), 1e-6);
    }
}
