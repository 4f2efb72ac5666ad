import java.io.File;
import java.lang.management.ManagementFactory;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * Two builds of vificlip training in one JVM, step for step: each build's classes through a class loader
 * of its own (ND4J, loaded once, is shared), steps alternating A B B A ..., each step's wall time and the
 * process's CPU time during it. On a machine whose speed drifts by 10-15% between runs, this compares two
 * builds under the same conditions; separate runs cannot.
 * <p>
 * Usage: {@code SameJvmAB STEPS DRIVER_DIR NAME=CLASSES_DIR NAME=CLASSES_DIR}; the first 2 steps of each
 * side are left out of the means as warm-up.
 */
public class SameJvmAB {
    private static final int WARM_UP = 2;

    @SuppressWarnings("unchecked")
    public static void main(String[] args) throws Exception {
        int steps = Integer.parseInt(args[0]);
        URL driver = new File(args[1]).toURI().toURL();
        List<String> names = new ArrayList<>();
        List<Supplier<double[]>> sides = new ArrayList<>();
        for (String side : Arrays.asList(args).subList(2, args.length)) {
            String[] nameAndDir = side.split("=", 2);
            URLClassLoader loader = new URLClassLoader(
                    new URL[]{new File(nameAndDir[1]).toURI().toURL(), driver}, SameJvmAB.class.getClassLoader());
            names.add(nameAndDir[0]);
            sides.add((Supplier<double[]>) loader.loadClass("StepDriver").getConstructor().newInstance());
        }
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        double[][] sums = new double[sides.size()][4];
        for (int step = 0; step < steps; step++) {
            for (int k = 0; k < sides.size(); k++) {
                int side = step % 2 == 0 ? k : sides.size() - 1 - k;
                long cpuBefore = os.getProcessCpuTime();
                double[] r = sides.get(side).get();
                double cpu = (os.getProcessCpuTime() - cpuBefore) / 1e9;
                System.out.printf("step %d %-8s %.3f s (gradients %.3f, AdamW %.3f), CPU %.2f s, loss %.5f%n",
                        step, names.get(side), r[0], r[1], r[2], cpu, r[3]);
                if (step >= WARM_UP) {
                    double[] s = sums[side];
                    s[0] += r[0];
                    s[1] += r[1];
                    s[2] += r[2];
                    s[3] += cpu;
                }
            }
        }
        int n = steps - WARM_UP;
        for (int k = 0; k < sides.size(); k++) {
            double[] s = sums[k];
            System.out.printf("%-8s mean of %d steps: %.3f s (gradients %.3f, AdamW %.3f), CPU %.2f s%n",
                    names.get(k), n, s[0] / n, s[1] / n, s[2] / n, s[3] / n);
        }
    }
}
