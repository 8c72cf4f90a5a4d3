package io.vigil.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away PKI made with the {@code openssl} and {@code keytool} commands: a CA (also as a
 * PKCS12 truststore), a server certificate for 127.0.0.1 and localhost, one for another host name,
 * a client certificate, and a second CA that signed nothing the server presents. Every key is an
 * unencrypted PKCS#8 PEM file (EC P-256).
 */
public final class TestCertificates {

    /** Password of {@link #truststore()}. */
    public static final String TRUSTSTORE_PASSWORD = "changeit";

    private final Path dir;

    private TestCertificates(Path dir) {
        this.dir = dir;
    }

    /** Creates all files in {@code dir}. */
    public static TestCertificates generate(Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        TestCertificates certs = new TestCertificates(dir);
        certs.selfSigned("ca", "Vigil Test CA");
        certs.selfSigned("other-ca", "Vigil Untrusted CA");
        certs.signed(
                "server",
                "localhost",
                "subjectAltName=IP:127.0.0.1,DNS:localhost\n" + "extendedKeyUsage=serverAuth\n");
        certs.signed("client", "vigil-client", "extendedKeyUsage=clientAuth\n");
        certs.signed(
                "wrong-host",
                "wrong.example",
                "subjectAltName=DNS:wrong.example\nextendedKeyUsage=serverAuth\n");
        certs.run(
                "keytool",
                "-importcert",
                "-noprompt",
                "-alias",
                "ca",
                "-file",
                "ca.pem",
                "-keystore",
                "truststore.p12",
                "-storetype",
                "PKCS12",
                "-storepass",
                TRUSTSTORE_PASSWORD);
        return certs;
    }

    public Path caCert() {
        return dir.resolve("ca.pem");
    }

    /** A CA that neither the server nor the client certificate comes from. */
    public Path otherCaCert() {
        return dir.resolve("other-ca.pem");
    }

    public Path serverCert() {
        return dir.resolve("server.pem");
    }

    public Path serverKey() {
        return dir.resolve("server.key");
    }

    public Path clientCert() {
        return dir.resolve("client.pem");
    }

    public Path clientKey() {
        return dir.resolve("client.key");
    }

    /** A server certificate from the test CA that names only {@code wrong.example}. */
    public Path wrongHostCert() {
        return dir.resolve("wrong-host.pem");
    }

    public Path wrongHostKey() {
        return dir.resolve("wrong-host.key");
    }

    /** A PKCS12 truststore holding the test CA, password {@link #TRUSTSTORE_PASSWORD}. */
    public Path truststore() {
        return dir.resolve("truststore.p12");
    }

    private void selfSigned(String name, String commonName)
            throws IOException, InterruptedException {
        newKey(
                name,
                commonName,
                "-x509",
                "-out",
                name + ".pem",
                "-days",
                "2",
                "-addext",
                "basicConstraints=critical,CA:TRUE",
                "-addext",
                "keyUsage=critical,keyCertSign,cRLSign");
    }

    private void signed(String name, String commonName, String extensions)
            throws IOException, InterruptedException {
        Files.writeString(dir.resolve(name + ".ext"), extensions, StandardCharsets.US_ASCII);
        newKey(name, commonName, "-out", name + ".csr");
        openssl(
                "x509",
                "-req",
                "-in",
                name + ".csr",
                "-CA",
                "ca.pem",
                "-CAkey",
                "ca.key",
                "-CAcreateserial",
                "-out",
                name + ".pem",
                "-days",
                "2",
                "-extfile",
                name + ".ext");
    }

    /**
     * {@code openssl req} with a new EC P-256 key, unencrypted, in {@code name.key}, for the
     * subject {@code /CN=commonName}, and {@code more} arguments (a CSR or a self-signed
     * certificate).
     */
    private void newKey(String name, String commonName, String... more)
            throws IOException, InterruptedException {
        List<String> args =
                new ArrayList<>(
                        List.of(
                                "req",
                                "-newkey",
                                "ec",
                                "-pkeyopt",
                                "ec_paramgen_curve:prime256v1",
                                "-nodes",
                                "-keyout",
                                name + ".key",
                                "-subj",
                                "/CN=" + commonName));
        args.addAll(Arrays.asList(more));
        openssl(args.toArray(new String[0]));
    }

    private void openssl(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add("openssl");
        command.addAll(Arrays.asList(args));
        run(command.toArray(new String[0]));
    }

    private void run(String... command) throws IOException, InterruptedException {
        List<String> args = Arrays.asList(command);
        Path log = dir.resolve("tool.log");
        Process process =
                new ProcessBuilder(args)
                        .directory(dir.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile())
                        .start();
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IOException(String.join(" ", args) + " failed: " + Files.readString(log));
        }
    }
}
