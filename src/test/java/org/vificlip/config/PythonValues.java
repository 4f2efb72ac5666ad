package org.vificlip.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Python values as tools/config-fixtures/make_config_fixtures.py writes them ({"t": type, ...}), compared
 * with what the Java side made of the same text.
 */
final class PythonValues {
    static final Path DIR = Path.of("src/test/fixtures/config-reference");

    private PythonValues() {
    }

    static JsonObject read(String name) {
        try {
            return JsonParser.parseString(Files.readString(DIR.resolve(name), StandardCharsets.UTF_8)).getAsJsonObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static double fromHex(String hex) {
        return switch (hex) {
            case "inf" -> Double.POSITIVE_INFINITY;
            case "-inf" -> Double.NEGATIVE_INFINITY;
            case "nan" -> Double.NaN;
            default -> Double.parseDouble(hex);
        };
    }

    /** Asserts that {@code actual} is the Java form of the Python value {@code expected}. */
    static void assertSame(JsonObject expected, Object actual, String where) {
        String type = expected.get("t").getAsString();
        switch (type) {
            case "NoneType" -> assertNull(actual, where);
            case "bool" -> assertEquals(expected.get("v").getAsBoolean(), actual, where);
            case "int" -> {
                assertEquals("int", ConfigLoader.pythonType(actual), where + ": type of " + actual);
                BigInteger got = actual instanceof BigInteger b ? b : BigInteger.valueOf(((Number) actual).longValue());
                assertEquals(new BigInteger(expected.get("v").getAsString()), got, where);
            }
            case "float" -> {
                Double d = assertInstanceOf(Double.class, actual, where);
                // bit-exact (Double.equals also tells -0.0 from 0.0 and matches NaN)
                assertEquals(Double.valueOf(fromHex(expected.get("hex").getAsString())), d, where);
            }
            case "str" -> assertEquals(expected.get("v").getAsString(), actual, where);
            case "list", "tuple" -> {
                List<?> list = assertInstanceOf(List.class, actual, where);
                JsonArray items = expected.getAsJsonArray("items");
                assertEquals(items.size(), list.size(), where);
                for (int i = 0; i < items.size(); i++) {
                    assertSame(items.get(i).getAsJsonObject(), list.get(i), where + "[" + i + "]");
                }
            }
            case "dict" -> {
                if (expected.has("items")) {  // a YAML mapping
                    Map<?, ?> map = assertInstanceOf(Map.class, actual, where);
                    for (Map.Entry<String, JsonElement> e : expected.getAsJsonObject("items").entrySet()) {
                        assertSame(e.getValue().getAsJsonObject(), map.get(e.getKey()), where + "." + e.getKey());
                    }
                } else {
                    assertEquals("dict", ConfigLoader.pythonType(actual), where);
                }
            }
            default -> assertEquals(type, ConfigLoader.pythonType(actual), where + ": " + actual);
        }
    }
}
