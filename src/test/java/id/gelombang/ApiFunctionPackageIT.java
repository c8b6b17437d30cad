package id.gelombang;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;

import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * The API function's package (target/api-function.zip) as the build leaves it: its classes without
 * local variable tables, which only a debugger reads and which the AOT cache would keep for every
 * archived method, but with their line numbers, so that a stack trace in the function's log still
 * says where (src/main/lambda/StripLocalVariables.java).
 */
class ApiFunctionPackageIT {

    private static final Path PACKAGE = Path.of("target", "api-function.zip");

    @Test
    void theClassesKeepTheirLineNumbersButNoLocalVariableTables() throws IOException {
        Map<String, DebugInfo> jars = new TreeMap<>();
        try (ZipFile zip = new ZipFile(PACKAGE.toFile())) {
            // The class path's jars: the application's, its libraries and the runtime client (not the JDK's jrt-fs.jar).
            for (ZipEntry entry : zip.stream().filter(e -> e.getName().endsWith(".jar") && !e.getName().startsWith("jre/")).toList()) {
                try (InputStream in = zip.getInputStream(entry)) {
                    jars.put(entry.getName(), DebugInfo.of(in));
                }
            }
        }

        assertThat(jars).containsKeys("gelombang.jar", "runtime-client/aws-lambda-java-runtime-interface-client.jar")
                .hasSizeGreaterThan(100);
        assertThat(jars).allSatisfy((jar, info) -> assertThat(info.localVariables).as(jar).isZero());
        assertThat(jars.get("gelombang.jar").lineNumbers).as("the application's line numbers").isPositive();
        assertThat(jars.entrySet().stream().filter(e -> e.getKey().startsWith("lib/org.hibernate.orm.hibernate-core-")))
                .singleElement().satisfies(e -> assertThat(e.getValue().lineNumbers).as("Hibernate's line numbers").isPositive());
    }

    @Test
    void theRuntimeClientKeepsOnlyTheNativeLibraryTheBootstrapNames() throws IOException {
        try (ZipFile zip = new ZipFile(PACKAGE.toFile())) {
            assertThat(zip.getEntry("runtime-client/libaws-lambda-jni.linux-x86_64.so")).isNotNull();
            try (ZipInputStream client = new ZipInputStream(
                    zip.getInputStream(zip.getEntry("runtime-client/aws-lambda-java-runtime-interface-client.jar")))) {
                for (ZipEntry entry; (entry = client.getNextEntry()) != null;) {
                    assertThat(entry.getName()).doesNotStartWith("jni/");
                }
            }
        }
    }

    /** Local variable table entries and line numbers over every class of one jar. */
    private static final class DebugInfo extends ClassVisitor {
        private long localVariables;
        private long lineNumbers;

        private DebugInfo() {
            super(Opcodes.ASM9);
        }

        @Override
        public String toString() {
            return localVariables + " local variable entries, " + lineNumbers + " line numbers";
        }

        static DebugInfo of(InputStream jar) throws IOException {
            DebugInfo info = new DebugInfo();
            ZipInputStream classes = new ZipInputStream(jar);
            for (ZipEntry entry; (entry = classes.getNextEntry()) != null;) {
                if (entry.getName().endsWith(".class") && !entry.getName().endsWith("module-info.class")) {
                    new ClassReader(classes.readAllBytes()).accept(info, 0);
                }
            }
            return info;
        }

        @Override
        public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
            return new MethodVisitor(Opcodes.ASM9) {
                @Override
                public void visitLocalVariable(String variable, String variableDescriptor, String variableSignature,
                        Label start, Label end, int index) {
                    localVariables++;
                }

                @Override
                public void visitLineNumber(int line, Label start) {
                    lineNumbers++;
                }
            };
        }
    }
}
