package io.vigil.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away certificate authority and a server certificate for 127.0.0.1 and localhost, made
 * with the {@code openssl} command, for HTTPS tests.
 */
public final class InfluxDbTestCertificates {

    private final Path caCertificate;
    private final Path serverCertificate;
    private final Path serverKey;

    private InfluxDbTestCertificates(Path ca, Path cert, Path key) {
        this.caCertificate = ca;
        this.serverCertificate = cert;
        this.serverKey = key;
    }

    /** Makes a new CA and a server certificate signed by it in {@code dir}. */
    public static InfluxDbTestCertificates create(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path caKey = dir.resolve("ca.key");
        Path ca = dir.resolve("ca.pem");
        Path key = dir.resolve("server.key");
        Path csr = dir.resolve("server.csr");
        Path cert = dir.resolve("server.pem");
        Path ext = dir.resolve("san.cnf");
        Files.writeString(
                ext, "subjectAltName=IP:127.0.0.1,DNS:localhost\n", StandardCharsets.UTF_8);
        run(
                dir,
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-keyout",
                caKey.toString(),
                "-out",
                ca.toString(),
                "-days",
                "2",
                "-subj",
                "/CN=vigil-test-ca-" + System.nanoTime());
        run(
                dir,
                "openssl",
                "req",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-keyout",
                key.toString(),
                "-out",
                csr.toString(),
                "-subj",
                "/CN=localhost");
        run(
                dir,
                "openssl",
                "x509",
                "-req",
                "-in",
                csr.toString(),
                "-CA",
                ca.toString(),
                "-CAkey",
                caKey.toString(),
                "-CAcreateserial",
                "-out",
                cert.toString(),
                "-days",
                "2",
                "-extfile",
                ext.toString());
        return new InfluxDbTestCertificates(ca, cert, key);
    }

    private static void run(Path dir, String... command) throws IOException {
        Process process =
                new ProcessBuilder(List.of(command))
                        .directory(dir.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(dir.resolve("openssl.log").toFile())
                        .start();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IOException(
                        "openssl failed: "
                                + String.join(" ", command)
                                + "\n"
                                + Files.readString(dir.resolve("openssl.log")));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while running openssl", e);
        }
    }

    /** PEM of the CA that signed the server certificate: what clients must trust. */
    public Path caCertificate() {
        return caCertificate;
    }

    public Path serverCertificate() {
        return serverCertificate;
    }

    public Path serverKey() {
        return serverKey;
    }
}
