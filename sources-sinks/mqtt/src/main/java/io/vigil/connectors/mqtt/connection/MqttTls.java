package io.vigil.connectors.mqtt.connection;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;
import org.apache.flink.annotation.Internal;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.util.FlinkRuntimeException;

/** Builds the trust and key managers of the TLS options from PEM files or a truststore. */
@Internal
final class MqttTls {

    private static final String PKCS8_BEGIN = "-----BEGIN PRIVATE KEY-----";
    private static final String PKCS8_END = "-----END PRIVATE KEY-----";

    private MqttTls() {}

    /** A trust manager factory for the custom CA, or empty to trust the JVM's default CAs. */
    static Optional<TrustManagerFactory> trustManagers(Configuration conf) {
        Optional<String> caFile = conf.getOptional(MqttConnectionOptions.TLS_CA_FILE);
        Optional<String> truststore = conf.getOptional(MqttConnectionOptions.TLS_TRUSTSTORE_PATH);
        if (caFile.isEmpty() && truststore.isEmpty()) {
            return Optional.empty();
        }
        try {
            KeyStore store;
            if (caFile.isPresent()) {
                store = KeyStore.getInstance(KeyStore.getDefaultType());
                store.load(null, null);
                int i = 0;
                for (Certificate cert : readCertificates(Path.of(caFile.get()))) {
                    store.setCertificateEntry("ca-" + i++, cert);
                }
                if (i == 0) {
                    throw new FlinkRuntimeException(
                            String.format(
                                    "No certificate in %s named by %s",
                                    caFile.get(), MqttConnectionOptions.TLS_CA_FILE.key()));
                }
            } else {
                store = KeyStore.getInstance(conf.get(MqttConnectionOptions.TLS_TRUSTSTORE_TYPE));
                char[] password =
                        conf.getOptional(MqttConnectionOptions.TLS_TRUSTSTORE_PASSWORD)
                                .map(String::toCharArray)
                                .orElse(null);
                try (InputStream in = Files.newInputStream(Path.of(truststore.get()))) {
                    store.load(in, password);
                }
            }
            TrustManagerFactory factory =
                    TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            return Optional.of(factory);
        } catch (IOException | GeneralSecurityException e) {
            throw new FlinkRuntimeException(
                    String.format(
                            "Cannot load the MQTT trust material from %s",
                            caFile.orElse(truststore.orElse(""))),
                    e);
        }
    }

    /** A key manager factory for mutual TLS, or empty when no client certificate is set. */
    static Optional<KeyManagerFactory> keyManagers(Configuration conf) {
        Optional<String> certFile = conf.getOptional(MqttConnectionOptions.TLS_CLIENT_CERT_FILE);
        Optional<String> keyFile = conf.getOptional(MqttConnectionOptions.TLS_CLIENT_KEY_FILE);
        if (certFile.isEmpty() || keyFile.isEmpty()) {
            return Optional.empty();
        }
        try {
            Certificate[] chain =
                    readCertificates(Path.of(certFile.get())).toArray(new Certificate[0]);
            PrivateKey key = readPkcs8Key(Path.of(keyFile.get()));
            char[] password = new char[0];
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("client", key, password, chain);
            KeyManagerFactory factory =
                    KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            factory.init(store, password);
            return Optional.of(factory);
        } catch (IOException | GeneralSecurityException e) {
            throw new FlinkRuntimeException(
                    String.format(
                            "Cannot load the MQTT client certificate %s with key %s",
                            certFile.get(), keyFile.get()),
                    e);
        }
    }

    private static Collection<? extends Certificate> readCertificates(Path pem)
            throws IOException, GeneralSecurityException {
        try (InputStream in = Files.newInputStream(pem)) {
            return CertificateFactory.getInstance("X.509").generateCertificates(in);
        }
    }

    private static PrivateKey readPkcs8Key(Path pem) throws IOException, GeneralSecurityException {
        String text = Files.readString(pem, StandardCharsets.US_ASCII);
        int begin = text.indexOf(PKCS8_BEGIN);
        int end = text.indexOf(PKCS8_END);
        if (begin < 0 || end < begin) {
            throw new GeneralSecurityException(
                    pem + " holds no unencrypted PKCS#8 key (-----BEGIN PRIVATE KEY-----)");
        }
        byte[] der =
                Base64.getMimeDecoder().decode(text.substring(begin + PKCS8_BEGIN.length(), end));
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        GeneralSecurityException last = null;
        for (String algorithm : new String[] {"RSA", "EC", "Ed25519"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException e) {
                last = e;
            }
        }
        throw new GeneralSecurityException(pem + " holds a key of no supported type", last);
    }
}
