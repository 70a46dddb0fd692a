package io.ucsync.tls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Key material made with the JDK's keytool for a test: self-signed certificates in PKCS#12 stores, trust stores
 * holding other parties' certificates, and PEM exports for peers that read PEM (Kamailio's tls module).
 */
public final class TestCertificates {

    public static final String PASSWORD = "changeit-test";

    private final Path dir;

    public TestCertificates(Path dir) {
        this.dir = dir;
    }

    /** A PKCS#12 store with a self-signed RSA certificate for {@code cn} valid for 127.0.0.1 and localhost. */
    public Path keyStore(String alias, String cn) {
        return keyStore(alias, cn, "ip:127.0.0.1,dns:localhost");
    }

    /** A PKCS#12 store with a self-signed RSA certificate for {@code cn} with these subject alternative names. */
    public Path keyStore(String alias, String cn, String subjectAlternativeNames) {
        Path store = dir.resolve(alias + ".p12");
        keytool(
                "-genkeypair",
                "-alias",
                alias,
                "-keyalg",
                "RSA",
                "-keysize",
                "2048",
                "-validity",
                "2",
                "-dname",
                "CN=" + cn,
                "-ext",
                "SAN=" + subjectAlternativeNames,
                "-storetype",
                "PKCS12",
                "-keystore",
                store.toString(),
                "-storepass",
                PASSWORD,
                "-keypass",
                PASSWORD);
        return store;
    }

    /** A PKCS#12 trust store holding the certificates of the given key stores' entries. */
    public Path trustStore(String name, Path... keyStores) {
        Path store = dir.resolve(name + ".p12");
        for (Path keyStore : keyStores) {
            Path pem = certificatePem(keyStore);
            keytool(
                    "-importcert",
                    "-noprompt",
                    "-alias",
                    aliasOf(keyStore),
                    "-file",
                    pem.toString(),
                    "-storetype",
                    "PKCS12",
                    "-keystore",
                    store.toString(),
                    "-storepass",
                    PASSWORD);
        }
        return store;
    }

    /** The certificate of a key store's entry, PEM encoded. */
    public Path certificatePem(Path keyStore) {
        Path pem = dir.resolve(aliasOf(keyStore) + "-cert.pem");
        if (!Files.exists(pem)) {
            keytool(
                    "-exportcert",
                    "-rfc",
                    "-alias",
                    aliasOf(keyStore),
                    "-file",
                    pem.toString(),
                    "-storetype",
                    "PKCS12",
                    "-keystore",
                    keyStore.toString(),
                    "-storepass",
                    PASSWORD);
        }
        return pem;
    }

    /** The private key of a key store's entry as unencrypted PKCS#8 PEM (keytool has no export for keys). */
    public Path privateKeyPem(Path keyStore) throws IOException {
        KeyStore store = TlsSettings.load(keyStore, PASSWORD, "PKCS12");
        try {
            Key key = store.getKey(aliasOf(keyStore), PASSWORD.toCharArray());
            String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                    .encodeToString(key.getEncoded());
            Path pem = dir.resolve(aliasOf(keyStore) + "-key.pem");
            Files.writeString(pem, "-----BEGIN PRIVATE KEY-----\n" + body + "\n-----END PRIVATE KEY-----\n");
            return pem;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String aliasOf(Path keyStore) {
        String name = keyStore.getFileName().toString();
        return name.substring(0, name.length() - ".p12".length());
    }

    private static void keytool(String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        try {
            Process process =
                    new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("keytool " + String.join(" ", args) + " failed: " + output);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run keytool", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
