#include "tcpclientpanel.h"

#include "endpointspec.h"
#include "invalidfield.h"
#include "portbox.h"
#include "sendbox.h"
#include "tcpclientsession.h"
#include "trafficlogmodel.h"
#include "trafficlogview.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalBlocker>
#include <QTableView>
#include <QVBoxLayout>

namespace {

// The host field accepts what tcp://HOST:PORT accepts (an IPv6 address without brackets).
QString checkHost(const QString &host)
{
    if (host.trimmed().isEmpty())
        return TcpClientPanel::tr("Type the server's address or name, e.g. 127.0.0.1");
    const QString trimmed = host.trimmed();
    const QString bracketed = trimmed.contains(QLatin1Char(':'))
                                      && !trimmed.startsWith(QLatin1Char('['))
                                  ? QLatin1Char('[') + trimmed + QLatin1Char(']')
                                  : trimmed;
    QString error;
    if (!parseHostPort(bracketed + QStringLiteral(":1"), &error))
        return error;
    return QString();
}

} // namespace

TcpClientPanel::TcpClientPanel(TcpClientSession *session, QWidget *parent)
    : SessionPanel(session, parent)
    , m_client(session)
{
    auto *row = new QHBoxLayout;
    auto *hostLabel = new QLabel(tr("&Host"), this);
    m_hostBox = new QComboBox(this);
    m_hostBox->setObjectName(QStringLiteral("hostBox"));
    m_hostBox->setEditable(true);
    m_hostBox->setInsertPolicy(QComboBox::NoInsert);
    m_hostBox->setMinimumContentsLength(18);
    m_hostBox->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_hostBox->lineEdit()->setPlaceholderText(tr("e.g. 127.0.0.1"));
    m_hostBox->setToolTip(tr("The server's IP address (IPv4 or IPv6) or host name: the first "
                             "half of sock.connect((SERVER_IP, SERVER_PORT))"));
    m_hostBox->setEditText(QStringLiteral("127.0.0.1"));
    hostLabel->setBuddy(m_hostBox);
    auto *portLabel = new QLabel(tr("&Port"), this);
    m_portBox = new PortBox(this);
    m_portBox->setObjectName(QStringLiteral("portBox"));
    m_portBox->setMinimum(1);
    m_portBox->setValue(1337);
    m_portBox->setHelpText(tr("The port the server listens on: the second half of "
                              "sock.connect((SERVER_IP, SERVER_PORT))"));
    portLabel->setBuddy(m_portBox);
    m_connectButton = new QPushButton(tr("&Connect"), this);
    m_connectButton->setObjectName(QStringLiteral("connectButton"));
    m_connectButton->setDefault(true);
    m_connectButton->setToolTip(tr("sock = socket.socket(); sock.connect((host, port)): the "
                                   "system does the SYN, SYN-ACK, ACK handshake"));
    m_closeButton = new QPushButton(tr("Cl&ose"), this);
    m_closeButton->setObjectName(QStringLiteral("closeButton"));
    m_closeButton->setToolTip(tr("sock.close(): send what is queued, then FIN"));
    m_abortButton = new QPushButton(tr("&Abort"), this);
    m_abortButton->setObjectName(QStringLiteral("abortButton"));
    m_abortButton->setToolTip(tr("Close with SO_LINGER 0: the server gets a reset (RST) "
                                 "instead of a FIN"));
    m_halfCloseButton = new QPushButton(tr("&Half-close"), this);
    m_halfCloseButton->setObjectName(QStringLiteral("halfCloseButton"));
    m_halfCloseButton->setToolTip(tr("sock.shutdown(socket.SHUT_WR): send FIN but keep "
                                     "reading; the server's recv() returns b''"));
    row->addWidget(hostLabel);
    row->addWidget(m_hostBox, 1);
    row->addWidget(portLabel);
    row->addWidget(m_portBox);
    row->addWidget(m_connectButton);
    // What to do with the connection, on a line of its own so that both lines fit a
    // 1024-pixel projector at presentation size.
    auto *connectionRow = new QHBoxLayout;
    connectionRow->addWidget(m_closeButton);
    connectionRow->addWidget(m_abortButton);
    connectionRow->addWidget(m_halfCloseButton);
    m_pauseButton = new QPushButton(tr("&Pause reading"), this);
    m_pauseButton->setObjectName(QStringLiteral("pauseButton"));
    m_pauseButton->setCheckable(true);
    m_pauseButton->setToolTip(tr("Stop calling recv(): the kernel's receive queue fills, then "
                                 "the server's send() blocks. Flow control, made visible."));
    connectionRow->addWidget(m_pauseButton);
    connectionRow->addStretch(1);
    controlsLayout()->addLayout(row);

    auto *stateRow = new QHBoxLayout;
    m_stateLabel = createStateLabel(this);
    m_stateLabel->setObjectName(QStringLiteral("stateLabel"));
    m_addressLabel = createLargeLabel(this, 1.25, false);
    m_addressLabel->setObjectName(QStringLiteral("addressLabel"));
    m_addressLabel->setTextFormat(Qt::PlainText);
    m_addressLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_addressLabel->setToolTip(tr("The connection's two ends: source IP and port (this side, "
                                  "picked by the system) and destination IP and port"));

    stateRow->addWidget(m_stateLabel);
    stateRow->addSpacing(16);
    stateRow->addWidget(m_addressLabel, 1);
    m_queuesLabel = new QLabel(this);
    m_queuesLabel->setObjectName(QStringLiteral("queuesLabel"));
    m_queuesLabel->setTextFormat(Qt::PlainText);
    m_queuesLabel->setWordWrap(true);
    m_queuesLabel->setToolTip(tr("Bytes the kernel holds for this connection: received but "
                                 "not yet read by recv() (SIOCINQ), and sent but not yet "
                                 "acknowledged by the server (SIOCOUTQ)"));
    connectionRow->addWidget(m_queuesLabel, 2);
    m_queuesTimer.setInterval(QueuesRefreshMs);
    connect(&m_queuesTimer, &QTimer::timeout, this, &TcpClientPanel::updateQueues);
    controlsLayout()->addLayout(stateRow);
    controlsLayout()->addLayout(connectionRow);
    controlsLayout()->addWidget(createOptionsRow());
    finishLayout(logView());
    logView()->tableView()->hideColumn(TrafficLogModel::Connection); // one connection only

    connect(m_hostBox, &QComboBox::editTextChanged, this, &TcpClientPanel::validateHost);
    connect(m_hostBox->lineEdit(), &QLineEdit::returnPressed, this, [this] {
        if (m_connectButton->isEnabled())
            startFromUser();
    });
    connect(m_portBox, &PortBox::portChanged, this, [this] {
        updateFieldProblems();
        updateControls();
        emit titleChanged();
    });
    connect(m_portBox, &QLineEdit::returnPressed, this, [this] {
        if (m_connectButton->isEnabled())
            startFromUser();
    });
    connect(m_connectButton, &QPushButton::clicked, this, &TcpClientPanel::startFromUser);
    connect(m_closeButton, &QPushButton::clicked, m_client, &TcpClientSession::close);
    connect(m_abortButton, &QPushButton::clicked, m_client, &TcpClientSession::abort);
    connect(m_halfCloseButton, &QPushButton::clicked, m_client, &TcpClientSession::halfClose);
    connect(m_pauseButton, &QPushButton::toggled, this, [this](bool paused) {
        m_client->setReadingPaused(paused);
        updateQueues();
    });
    connect(m_client, &TcpClientSession::stateChanged, this, [this](ConnectionState state) {
        updateControls();
        emit titleChanged();
        if (state != ConnectionState::Connected || !m_sendOnConnectPending)
            return;
        m_sendOnConnectPending = false;
        if (m_sendOnConnect && !m_sendOnConnect->isEmpty())
            m_client->send(*m_sendOnConnect);
    });
    connect(m_client, &Session::eventOccurred, this, [this](const TrafficEvent &event) {
        if (event.type == EventType::Connected)
            emit hostUsed(m_client->host());
    });
    connect(sendBox(), &SendBox::sendRequested, this, [this](const QByteArray &bytes) {
        if (!m_client->send(bytes))
            setStatus(tr("Nothing was sent: this side can no longer send."), Tone::Bad);
    });
    validateHost();
    updateControls();
}

QString TcpClientPanel::title() const
{
    // What the session tried last, or else what the fields say it will try.
    const bool attempted = !m_client->host().isEmpty();
    const QString shownHost = attempted ? m_client->host() : host();
    // A port field that is not a port shows what was typed (and is red): never a port
    // nobody typed.
    const QString shownPort = attempted              ? QString::number(m_client->port())
                              : m_portBox->isValid() ? QString::number(port())
                                                     : m_portBox->text().trimmed();
    const QString hostText = shownHost.contains(QLatin1Char(':'))
                                 ? QLatin1Char('[') + shownHost + QLatin1Char(']')
                                 : shownHost;
    return QStringLiteral("→ ") + hostText + QLatin1Char(':') + shownPort;
}

void TcpClientPanel::applySpec(const EndpointSpec &spec)
{
    SessionPanel::applySpec(spec);
    setHost(spec.host);
    setPort(spec.port);
    m_sendOnConnect = spec.options.send;
    m_sendOnConnectPending = spec.options.send.has_value();
}

void TcpClientPanel::start()
{
    if (!m_hostError.isEmpty() || !m_portBox->isValid())
        return;
    clearStatus();
    m_client->connectToHost(host(), port());
}

void TcpClientPanel::startFromUser()
{
    start();
    // Next the instructor types the message: the focus goes where it is typed.
    if (isStarted())
        sendBox()->setFocus(Qt::OtherFocusReason);
}

EndpointSpec TcpClientPanel::currentSpec() const
{
    EndpointSpec spec;
    spec.kind = SessionKind::TcpClient;
    spec.host = host();
    spec.port = port();
    fillCommonOptions(&spec);
    spec.options.send = m_sendOnConnect;
    return spec;
}

bool TcpClientPanel::isStarted() const
{
    const ConnectionState state = m_client->state();
    return state != ConnectionState::Unconnected && state != ConnectionState::Closed;
}

int TcpClientPanel::openConnectionCount() const
{
    const ConnectionState state = m_client->state();
    return state == ConnectionState::Connected || state == ConnectionState::Closing ? 1 : 0;
}

QString TcpClientPanel::host() const
{
    return m_hostBox->currentText().trimmed();
}

void TcpClientPanel::setHost(const QString &host)
{
    m_hostBox->setEditText(host);
}

quint16 TcpClientPanel::port() const
{
    return quint16(m_portBox->value());
}

void TcpClientPanel::setPort(quint16 port)
{
    m_portBox->setValue(port);
}

QStringList TcpClientPanel::recentHosts() const
{
    QStringList hosts;
    for (int i = 0; i < m_hostBox->count(); ++i)
        hosts.append(m_hostBox->itemText(i));
    return hosts;
}

void TcpClientPanel::setRecentHosts(const QStringList &hosts)
{
    // Every client tab gets the list when one connects: clear() and addItems() would each
    // change the edit text for a moment, and the host check would flash an error into the
    // status line and retitle the tab. The text ends as it was: checked once.
    const QString current = m_hostBox->currentText();
    {
        const QSignalBlocker blocker(m_hostBox);
        m_hostBox->clear();
        m_hostBox->addItems(hosts);
        m_hostBox->setEditText(current);
    }
    validateHost();
}

void TcpClientPanel::validateHost()
{
    const QString error = checkHost(m_hostBox->currentText());
    markInvalid(m_hostBox, !error.isEmpty());
    m_hostError = error;
    updateFieldProblems();
    updateControls();
    emit titleChanged();
}

void TcpClientPanel::updateFieldProblems()
{
    setFieldProblem(!m_hostError.isEmpty() ? m_hostError : m_portBox->errorString());
}

void TcpClientPanel::updateQueues()
{
    const TcpConnection *connection = m_client->connection();
    const bool open = connection && connection->state() != ConnectionState::Closed;
    m_pauseButton->setEnabled(open);
    if (!open) {
        m_queuesLabel->hide();
        m_queuesTimer.stop();
        const QSignalBlocker blocker(m_pauseButton);
        m_pauseButton->setChecked(false);
        return;
    }
    m_queuesLabel->setText(tr("In the kernel: %1").arg(kernelQueuesText(connection)));
    m_queuesLabel->show();
    if (kernelQueuesMove(connection))
        m_queuesTimer.start();
    else
        m_queuesTimer.stop();
}

void TcpClientPanel::updateControls()
{
    updateQueues();
    const ConnectionState state = m_client->state();
    const bool idle = state == ConnectionState::Unconnected || state == ConnectionState::Closed;
    const bool busy = state == ConnectionState::LookingUp || state == ConnectionState::Connecting;
    const QString fieldProblem = !m_hostError.isEmpty() ? m_hostError : m_portBox->errorString();
    const bool canConnect = idle && fieldProblem.isEmpty();
    m_connectButton->setToolTip(fieldProblem.isEmpty()
                                    ? tr("sock = socket.socket(); sock.connect((host, port))")
                                    : fieldProblem);
    // Connecting, the next step is typing the message; closed, it is connecting again.
    QWidget *focusTarget = sendBox();
    if (idle)
        focusTarget = canConnect ? static_cast<QWidget *>(m_connectButton) : m_hostBox;
    setControlsEnabled({{m_connectButton, canConnect},
                        {m_hostBox, idle},
                        {m_portBox, idle},
                        {m_closeButton, !idle},
                        {m_abortButton, !idle},
                        {m_halfCloseButton, m_client->canSend()}},
                       focusTarget);

    Tone tone = Tone::Neutral;
    if (state == ConnectionState::Connected)
        tone = Tone::Good;
    else if (busy || state == ConnectionState::Closing)
        tone = Tone::Busy;
    else if (!m_client->lastError().isEmpty())
        tone = Tone::Bad;
    setStateLabel(m_stateLabel, m_client->stateText(), tone);

    const SocketAddress local = m_client->localAddress();
    m_addressLabel->setText(
        local.isNull()
            ? QString()
            : tr("you %1  →  server %2").arg(local.toString(), m_client->peerAddress().toString()));

    if (m_client->canSend())
        sendBox()->setSendingAllowed(true);
    else if (state == ConnectionState::Connected)
        sendBox()->setSendingAllowed(false,
                                     tr("This side sent its FIN (half-close): it can only "
                                        "read now."));
    else
        sendBox()->setSendingAllowed(false, tr("Not connected: click Connect first."));
    sendBox()->setTargetText(m_client->peerAddress().isNull() ? QString()
                                                              : m_client->peerAddress().toString());
}
