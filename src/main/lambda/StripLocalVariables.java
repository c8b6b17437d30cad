import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collections;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Rewrites the API function's jars without the classes' local variable tables
 * (LocalVariableTable, LocalVariableTypeTable); jlink's --strip-debug drops those, and the line
 * numbers as well, from the JDK's classes.
 * Run by build-api-function.sh on the staged package, before the AOT training:
 *   java -cp asm.jar StripLocalVariables.java a.jar b.jar ...
 *
 * Only a debugger reads those tables: reflection's parameter names come from the MethodParameters
 * attribute, and line numbers (stack traces) and generic signatures stay. Both the jars and the AOT
 * cache, which keeps every archived method's tables and their names, are smaller without them
 * (docs/runtime.md, "Package size"). A class ASM cannot read is copied as it is.
 */
public final class StripLocalVariables {

    public static void main(String[] args) throws IOException {
        long before = 0;
        long after = 0;
        for (String arg : args) {
            Path jar = Path.of(arg);
            before += Files.size(jar);
            strip(jar);
            after += Files.size(jar);
        }
        System.out.printf("StripLocalVariables: %d jars, %d -> %d bytes%n", args.length, before, after);
    }

    private static void strip(Path jar) throws IOException {
        Path stripped = jar.resolveSibling(jar.getFileName() + ".stripped");
        try (ZipFile in = new ZipFile(jar.toFile());
                OutputStream file = Files.newOutputStream(stripped);
                ZipOutputStream out = new ZipOutputStream(file)) {
            out.setLevel(Deflater.BEST_COMPRESSION);
            for (ZipEntry entry : Collections.list(in.entries())) {
                byte[] bytes = in.getInputStream(entry).readAllBytes();
                if (entry.getName().endsWith(".class")) {
                    bytes = withoutLocalVariables(bytes);
                }
                ZipEntry copy = new ZipEntry(entry.getName());
                copy.setTime(entry.getTime());
                out.putNextEntry(copy);
                out.write(bytes);
                out.closeEntry();
            }
        }
        Files.move(stripped, jar, StandardCopyOption.REPLACE_EXISTING);
    }

    private static byte[] withoutLocalVariables(byte[] bytes) {
        ClassReader reader;
        try {
            reader = new ClassReader(bytes);
        } catch (IllegalArgumentException unsupportedVersion) {
            return bytes;
        }
        // No reader handed to the writer: the constant pool is rebuilt, so the tables' names and
        // signatures leave it too.
        ClassWriter writer = new ClassWriter(0);
        reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                    String[] exceptions) {
                return new MethodVisitor(Opcodes.ASM9, super.visitMethod(access, name, descriptor, signature, exceptions)) {
                    @Override
                    public void visitLocalVariable(String variable, String variableDescriptor, String variableSignature,
                            Label start, Label end, int index) {
                        // dropped
                    }
                };
            }
        }, 0);
        return writer.toByteArray();
    }
}
