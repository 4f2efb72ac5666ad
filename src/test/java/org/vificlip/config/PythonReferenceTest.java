package org.vificlip.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.vificlip.BadInputException;

/**
 * The Python side of yacs, against what Python itself gives (src/test/fixtures/config-reference, written by
 * Python 3.11's ast.literal_eval and PyYAML 6.0.3): literal_eval of --opts texts, YAML 1.1 scalar typing
 * followed by yacs's decoding, and repr() of floats and strings.
 */
class PythonReferenceTest {
    private static final JsonObject REF = PythonValues.read("python_values.json");

    @Test
    void literalEvalAsPython() {
        int n = 0;
        for (JsonElement e : REF.getAsJsonArray("literal_eval")) {
            JsonObject c = e.getAsJsonObject();
            String text = c.get("text").getAsString();
            PythonValues.assertSame(c.getAsJsonObject("value"), PythonLiteral.decode(text), "literal_eval(" + PythonLiteral.repr(text) + ")");
            n++;
        }
        assertTrue(n > 100, "cases: " + n);
    }

    @Test
    void yamlScalarsAsPyYamlThenYacs() throws BadInputException {
        for (JsonElement e : REF.getAsJsonArray("yaml_scalars")) {
            JsonObject c = e.getAsJsonObject();
            String yaml = "A: " + c.get("yaml").getAsString() + "\n";
            Map<?, ?> doc = PyYaml.parseMapping(yaml.getBytes(StandardCharsets.UTF_8), Path.of("case.yaml"));
            Object v = doc.get("A");
            if (v instanceof String s) {
                v = PythonLiteral.decode(s);
            }
            PythonValues.assertSame(c.getAsJsonObject("value"), v, yaml.strip());
        }
    }

    @Test
    void floatReprAsPython() {
        int n = 0;
        for (JsonElement e : REF.getAsJsonArray("float_repr")) {
            JsonObject c = e.getAsJsonObject();
            double d = PythonValues.fromHex(c.get("hex").getAsString());
            assertEquals(c.get("repr").getAsString(), PythonLiteral.reprFloat(d), c.get("hex").getAsString());
            n++;
        }
        assertTrue(n > 400, "cases: " + n);
    }

    @Test
    void strReprAsPythonAndReadBack() {
        for (JsonElement e : REF.getAsJsonArray("str_repr")) {
            JsonObject c = e.getAsJsonObject();
            String s = c.get("s").getAsString();
            assertEquals(c.get("repr").getAsString(), PythonLiteral.repr(s), s);
            assertEquals(s, PythonLiteral.decode(PythonLiteral.repr(s)), "decode(repr(" + s + "))");
        }
    }

    @Test
    void yamlFloatsHaveTheDotPyYamlNeeds() {
        // PyYAML writes repr() and adds ".0" when the mantissa has no dot, else YAML 1.1 reads a string
        assertEquals("8.0e-06", PyYaml.yamlFloat(8e-6));
        assertEquals("2.2e-05", PyYaml.yamlFloat(2.2e-5));
        assertEquals("0.04", PyYaml.yamlFloat(0.04));
        assertEquals("1.0e+16", PyYaml.yamlFloat(1e16));
        assertEquals(".inf", PyYaml.yamlFloat(Double.POSITIVE_INFINITY));
    }
}
