package io.ucsync.sip.internal;

import gov.nist.core.net.NetworkLayer;
import gov.nist.javax.sip.SipStackImpl;
import io.ucsync.sip.SipStackSettings;
import io.ucsync.tls.TlsSettings;
import java.io.IOException;
import java.net.ConnectException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Properties;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * The sockets of every JAIN-SIP stack built by {@link SipStackSettings}: plain sockets with TCP_NODELAY (connected and
 * accepted), and TLS
 * sockets from an {@link SSLContext} made of the stack's {@code javax.net.ssl.*} properties with the protocols
 * and cipher suites of {@link SipStackSettings} applied to every socket (JAIN-SIP skips the suites on one of its
 * connect paths) and, for clients, host name verification of the server certificate.
 */
public final class ConfiguredTlsNetworkLayer implements NetworkLayer {

    private static final int CONNECT_TIMEOUT_MILLIS = 8000;

    private SSLContext sslContext;
    private String[] protocols;
    private String[] cipherSuites;
    private boolean verifyHostname;

    /** Called by the stack with its configuration, right after the no-argument constructor. */
    @Override
    public void setSipStack(SipStackImpl stack) {
        Properties p = stack.getConfigurationProperties();
        this.protocols = TlsSettings.PROTOCOLS.toArray(String[]::new);
        this.cipherSuites = TlsSettings.CIPHER_SUITES.toArray(String[]::new);
        this.verifyHostname = Boolean.parseBoolean(p.getProperty(SipStackSettings.TLS_VERIFY_HOSTNAME, "true"));
        if (p.getProperty("javax.net.ssl.trustStore") == null) {
            return; // a stack without TLS
        }
        String keyStore = p.getProperty("javax.net.ssl.keyStore");
        // the stack's properties carry what SipStackSettings took from the endpoint's TlsSettings
        this.sslContext = new TlsSettings(
                        keyStore == null ? null : Path.of(keyStore),
                        p.getProperty("javax.net.ssl.keyStorePassword"),
                        Path.of(p.getProperty("javax.net.ssl.trustStore")),
                        p.getProperty("javax.net.ssl.trustStorePassword"),
                        p.getProperty(SipStackSettings.TLS_STORE_TYPE, KeyStore.getDefaultType()),
                        TlsSettings.ClientAuth.NONE,
                        verifyHostname)
                .sslContext();
    }

    @Override
    public ServerSocket createServerSocket(int port, int backlog, InetAddress bindAddress) throws IOException {
        return new ServerSocket(port, backlog, bindAddress) {
            /**
             * With TCP_NODELAY, as the sockets this layer connects: JAIN-SIP sets it on none, and without it each
             * message written right after another waits for the peer's delayed ACK of the one before (Nagle), up to
             * 40 ms on Linux.
             */
            @Override
            public Socket accept() throws IOException {
                Socket accepted = super.accept();
                accepted.setTcpNoDelay(true);
                return accepted;
            }
        };
    }

    private SSLContext tlsContext() throws IOException {
        if (sslContext == null) {
            throw new IOException("TLS is not configured for this SIP stack (no trust store)");
        }
        return sslContext;
    }

    @Override
    public SSLServerSocket createSSLServerSocket(int port, int backlog, InetAddress bindAddress) throws IOException {
        SSLServerSocket socket =
                (SSLServerSocket) tlsContext().getServerSocketFactory().createServerSocket(port, backlog, bindAddress);
        socket.setEnabledProtocols(protocols);
        socket.setEnabledCipherSuites(cipherSuites);
        return socket;
    }

    @Override
    public Socket createSocket(InetAddress address, int port) throws IOException {
        return createSocket(address, port, null);
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress) throws IOException {
        return connect(new Socket(), address, port, localAddress);
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
            throws IOException {
        return createSocket(address, port, localAddress);
    }

    @Override
    public SSLSocket createSSLSocket(InetAddress address, int port) throws IOException {
        return createSSLSocket(address, port, null);
    }

    @Override
    public SSLSocket createSSLSocket(InetAddress address, int port, InetAddress localAddress) throws IOException {
        SSLSocket socket = (SSLSocket) tlsContext().getSocketFactory().createSocket();
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setProtocols(protocols);
        parameters.setCipherSuites(cipherSuites);
        if (verifyHostname) {
            // RFC 5922 asks for the SIP domain in the certificate; checking the host we were told to connect to
            // (as HTTPS does, DNS name or IP address) is the part that stops a man in the middle.
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
        }
        socket.setSSLParameters(parameters);
        return (SSLSocket) connect(socket, address, port, localAddress);
    }

    private static Socket connect(Socket socket, InetAddress address, int port, InetAddress localAddress)
            throws IOException {
        try {
            socket.setTcpNoDelay(true);
            if (localAddress != null) {
                socket.bind(new InetSocketAddress(localAddress, 0));
            }
            socket.connect(new InetSocketAddress(address, port), CONNECT_TIMEOUT_MILLIS);
            return socket;
        } catch (SocketTimeoutException e) {
            socket.close();
            throw new ConnectException("no connection to " + address.getHostAddress() + ":" + port + " within "
                    + CONNECT_TIMEOUT_MILLIS + " ms");
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    @Override
    public DatagramSocket createDatagramSocket() throws SocketException {
        return new DatagramSocket();
    }

    @Override
    public DatagramSocket createDatagramSocket(int port, InetAddress localAddress) throws SocketException {
        return new DatagramSocket(port, localAddress);
    }
}
