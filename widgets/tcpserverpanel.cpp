#include "tcpserverpanel.h"

#include "adaptivesplitter.h"
#include "bindaddressbox.h"
#include "countlabel.h"
#include "endpointspec.h"
#include "invalidfield.h"
#include "localaddresses.h"
#include "payloadcodec.h"
#include "portbox.h"
#include "sendbox.h"
#include "tcpserversession.h"
#include "trafficlogmodel.h"
#include "trafficlogview.h"

#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPointer>
#include <QPushButton>
#include <QSignalBlocker>
#include <QTableView>
#include <QVBoxLayout>

namespace {

// The editable text for bytes: the inside of Python's b'...' is valid Escapes input.
QString escapedText(const QByteArray &bytes)
{
    const QString literal = pythonBytesLiteral(bytes);
    return literal.mid(2, literal.size() - 3);
}

QString greetingToolTip()
{
    return TcpServerPanel::tr("con.send(greeting) right after accept(). Escapes work: \\n "
                              "\\r \\t \\\\ \\xHH");
}

} // namespace

TcpServerPanel::TcpServerPanel(TcpServerSession *session, QWidget *parent)
    : SessionPanel(session, parent)
    , m_server(session)
{
    // Row 1: bind((address, port)) + listen().
    auto *bindRow = new QHBoxLayout;
    auto *bindLabel = new QLabel(tr("Listen &on"), this);
    m_bindBox = new BindAddressBox(this);
    m_bindBox->setObjectName(QStringLiteral("bindBox"));
    m_bindBox->setToolTip(tr("bind((address, port)): which of this computer's addresses accept "
                             "connections. 0.0.0.0 means all interfaces, as in the lesson."));
    bindLabel->setBuddy(m_bindBox);
    auto *portLabel = new QLabel(tr("&Port"), this);
    m_portBox = new PortBox(this);
    m_portBox->setObjectName(QStringLiteral("portBox"));
    m_portBox->setMinimum(0);
    m_portBox->setValue(1337);
    m_portBox->setHelpText(tr("The port to listen on. 0 lets the system pick any free port; "
                              "the one it picked is shown once listening."));
    portLabel->setBuddy(m_portBox);
    m_listenButton = new QPushButton(tr("&Listen"), this);
    m_listenButton->setObjectName(QStringLiteral("listenButton"));
    m_listenButton->setDefault(true);
    m_listenButton->setToolTip(tr("bind() + listen(): wait for incoming connections"));
    m_stopButton = new QPushButton(tr("&Stop listening"), this);
    m_stopButton->setObjectName(QStringLiteral("stopButton"));
    m_stopButton->setToolTip(tr("close() the listening socket only: connections already "
                                "accepted stay open, since each is a socket of its own"));
    m_stateLabel = createStateLabel(this);
    m_stateLabel->setObjectName(QStringLiteral("stateLabel"));
    bindRow->addWidget(bindLabel);
    bindRow->addWidget(m_bindBox, 2);
    bindRow->addWidget(portLabel);
    bindRow->addWidget(m_portBox);
    bindRow->addWidget(m_listenButton);
    bindRow->addWidget(m_stopButton);
    bindRow->addStretch(1);
    controlsLayout()->addLayout(bindRow);
    // Its own line: "Listening on 0.0.0.0:1337" at presentation size beside the bind
    // controls would not fit a 1024-pixel projector.
    controlsLayout()->addWidget(m_stateLabel);

    // Row 2: where students connect to, large enough to read off a projector.
    m_reachableRow = new QWidget(this);
    auto *reachableLayout = new QHBoxLayout(m_reachableRow);
    reachableLayout->setContentsMargins(0, 0, 0, 0);
    m_reachableLabel = createLargeLabel(m_reachableRow, 1.6, true);
    m_reachableLabel->setObjectName(QStringLiteral("reachableLabel"));
    m_reachableLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto *copyButton = new QPushButton(tr("Copy"), m_reachableRow);
    copyButton->setObjectName(QStringLiteral("copyAddressesButton"));
    copyButton->setToolTip(tr("Copy these addresses to the clipboard"));
    connect(copyButton, &QPushButton::clicked, this, [this] {
        QApplication::clipboard()->setText(m_reachableLabel->property("addresses").toString());
    });
    reachableLayout->addWidget(m_reachableLabel, 1);
    reachableLayout->addWidget(copyButton);
    controlsLayout()->addWidget(m_reachableRow);

    // Row 3: options.
    auto *greetingLabel = new QLabel(tr("&Greeting"), this);
    m_greetingEdit = new QLineEdit(this);
    m_greetingEdit->setObjectName(QStringLiteral("greetingEdit"));
    m_greetingEdit->setPlaceholderText(tr("sent to each connection when accepted, e.g. Hi!\\n"));
    m_greetingEdit->setToolTip(greetingToolTip());
    m_greetingEdit->setClearButtonEnabled(true);
    greetingLabel->setBuddy(m_greetingEdit);
    connect(m_greetingEdit, &QLineEdit::textChanged, this, &TcpServerPanel::applyGreeting);
    controlsLayout()->addWidget(createOptionsRow({greetingLabel, m_greetingEdit}));

    // Middle: the accepted connections beside the log.
    auto *connectionsBox = new QWidget(this);
    auto *connectionsLayout = new QVBoxLayout(connectionsBox);
    connectionsLayout->setContentsMargins(0, 0, 0, 0);
    m_connectionView = new QTableView(connectionsBox);
    m_connectionView->setObjectName(QStringLiteral("connectionView"));
    m_connectionView->setModel(m_server->connectionModel());
    m_connectionView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_connectionView->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_connectionView->verticalHeader()->hide();
    m_connectionView->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);

    m_connectionView->horizontalHeader()->setStretchLastSection(true);
    m_connectionView->setWordWrap(false);
    m_connectionView->setToolTip(tr("One row per accept(): each connection is a new socket, "
                                    "while the listening socket keeps listening"));
    updateFontMetrics();
    const int digit = fontMetrics().horizontalAdvance(QLatin1Char('0'));
    auto *connectionsTitle = new CountLabel(this);
    connectionsTitle->setObjectName(QStringLiteral("connectionsTitle"));
    auto *buttons = new QHBoxLayout;
    m_closeButton = new QPushButton(tr("Close"), connectionsBox);
    m_closeButton->setObjectName(QStringLiteral("closeButton"));
    m_closeButton->setToolTip(tr("con.close(): send what is queued, then FIN"));
    m_abortButton = new QPushButton(tr("Abort"), connectionsBox);
    m_abortButton->setObjectName(QStringLiteral("abortButton"));
    m_abortButton->setToolTip(tr("Close with SO_LINGER 0: the peer gets a reset (RST) and "
                                 "ConnectionResetError"));
    m_halfCloseButton = new QPushButton(tr("Half-close"), connectionsBox);
    m_halfCloseButton->setObjectName(QStringLiteral("halfCloseButton"));
    m_halfCloseButton->setToolTip(tr("con.shutdown(socket.SHUT_WR): send FIN but keep "
                                     "reading; the peer's recv() returns b''"));
    m_removeClosedButton = new QPushButton(tr("Remove closed"), connectionsBox);
    m_removeClosedButton->setObjectName(QStringLiteral("removeClosedButton"));
    m_removeClosedButton->setToolTip(tr("Take closed connections off the list"));
    m_sendToAllBox = new QCheckBox(tr("Send to &all"), connectionsBox);
    m_sendToAllBox->setObjectName(QStringLiteral("sendToAllBox"));
    m_sendToAllBox->setToolTip(tr("The send box sends to every open connection: one send() "
                                  "per connection socket"));
    m_pauseButton = new QPushButton(tr("Pause reading"), connectionsBox);
    m_pauseButton->setObjectName(QStringLiteral("pauseButton"));
    m_pauseButton->setCheckable(true);
    m_pauseButton->setToolTip(tr("Stop calling recv() on the selected connections: the "
                                 "kernel's receive queue fills, then the sender's send() "
                                 "blocks. Flow control, made visible."));
    buttons->addWidget(m_closeButton);
    buttons->addWidget(m_abortButton);
    buttons->addWidget(m_halfCloseButton);
    buttons->addWidget(m_pauseButton);
    buttons->addWidget(m_removeClosedButton);

    // accept() as a step of its own.
    auto *acceptRow = new QHBoxLayout;
    m_autoAcceptBox = new QCheckBox(tr("Accept automatically"), connectionsBox);
    m_autoAcceptBox->setObjectName(QStringLiteral("autoAcceptBox"));
    m_autoAcceptBox->setChecked(true);
    m_autoAcceptBox->setToolTip(tr("accept() as soon as a client connects. Untick it to call "
                                   "accept() yourself: clients then wait in the kernel's "
                                   "backlog, though their connect() has already returned."));
    m_acceptNextButton = new QPushButton(tr("Accept next"), connectionsBox);
    m_acceptNextButton->setObjectName(QStringLiteral("acceptNextButton"));
    m_acceptNextButton->setToolTip(tr("con, addr = sock.accept(): one waiting connection "
                                      "becomes a new socket and a new row"));
    m_acceptAllButton = new QPushButton(tr("Accept all"), connectionsBox);
    m_acceptAllButton->setObjectName(QStringLiteral("acceptAllButton"));
    m_acceptAllButton->setToolTip(tr("accept() every connection waiting in the backlog"));
    m_waitingLabel = new CountLabel(connectionsBox);
    m_waitingLabel->setObjectName(QStringLiteral("waitingLabel"));
    m_waitingLabel->setToolTip(tr("Connections whose handshake the system has done, waiting "
                                  "for accept()"));
    acceptRow->addWidget(m_autoAcceptBox);
    acceptRow->addWidget(m_acceptNextButton);
    acceptRow->addWidget(m_acceptAllButton);
    acceptRow->addWidget(m_waitingLabel);
    acceptRow->addStretch(1); // a CountLabel does not stretch

    m_queuesLabel = new QLabel(connectionsBox);
    m_queuesLabel->setObjectName(QStringLiteral("queuesLabel"));
    m_queuesLabel->setTextFormat(Qt::PlainText);
    m_queuesLabel->setWordWrap(true);
    m_queuesLabel->setToolTip(tr("Bytes the kernel holds for the selected connection: "
                                 "received but not yet read by recv() (SIOCINQ), and sent but "
                                 "not yet acknowledged by the peer (SIOCOUTQ)"));
    m_queuesTimer.setInterval(QueuesRefreshMs);
    connect(&m_queuesTimer, &QTimer::timeout, this, &TcpServerPanel::updateQueues);

    connectionsLayout->addWidget(connectionsTitle, 0, Qt::AlignLeading);
    connectionsLayout->addLayout(acceptRow);
    connectionsLayout->addWidget(m_connectionView, 1);
    connectionsLayout->addWidget(m_queuesLabel);
    connectionsLayout->addLayout(buttons);
    connectionsLayout->addWidget(m_sendToAllBox);

    m_logFilterBox = new QComboBox(this);
    m_logFilterBox->setObjectName(QStringLiteral("logFilterBox"));
    m_logFilterBox->addItem(tr("All connections"));
    m_logFilterBox->addItem(tr("Selected connections"));
    m_logFilterBox->setToolTip(tr("Show the traffic of every connection, or only of those "
                                  "selected in the list"));
    logView()->addToolWidget(m_logFilterBox);

    auto *splitter = new AdaptiveSplitter(this);
    splitter->setObjectName(QStringLiteral("connectionsAndLog"));
    splitter->addWidget(connectionsBox);
    splitter->addWidget(logView());
    splitter->setStretchFactor(0, 2);
    splitter->setStretchFactor(1, 3);
    splitter->setSizes({digit * 72, digit * 110});
    // The connection number says who, and the list beside it has the peer's address: the
    // log's width is better spent on the data (it matters most on a 1024x768 projector).
    logView()->tableView()->hideColumn(TrafficLogModel::Peer);
    splitter->setChildrenCollapsible(false);
    finishLayout(splitter);

    auto updateTitle = [this, connectionsTitle] {
        connectionsTitle->setCountText(tr("Connections (%1 open, %2 accepted)")
                                           .arg(m_server->openConnectionCount())
                                           .arg(m_server->totalAccepted()));
    };
    updateTitle();

    connect(m_listenButton, &QPushButton::clicked, this, [this] {
        start();
        // Next the class connects: the list is where their rows appear and get chosen.
        if (isStarted())
            m_connectionView->setFocus(Qt::OtherFocusReason);
    });
    connect(m_portBox, &PortBox::portChanged, this, [this] {
        updateFieldProblems();
        updateControls();
    });
    connect(m_stopButton, &QPushButton::clicked, m_server, &TcpServerSession::stopListening);
    connect(m_closeButton, &QPushButton::clicked, this, [this] {
        forSelected(&TcpServerSession::closeConnection);
    });
    connect(m_abortButton, &QPushButton::clicked, this, [this] {
        forSelected(&TcpServerSession::abortConnection);
    });
    connect(m_halfCloseButton, &QPushButton::clicked, this, [this] {
        forSelected(&TcpServerSession::halfCloseConnection);
    });
    connect(m_pauseButton, &QPushButton::toggled, this, [this](bool paused) {
        for (int id : selectedConnectionIds())
            m_server->setReadingPaused(id, paused);
        updateQueues();
    });
    connect(m_autoAcceptBox, &QCheckBox::toggled, this, [this](bool automatic) {
        m_server->setAcceptAutomatically(automatic);
        updateAcceptControls();
    });
    connect(m_acceptNextButton, &QPushButton::clicked, m_server, &TcpServerSession::acceptNext);
    connect(m_acceptAllButton, &QPushButton::clicked, m_server, &TcpServerSession::acceptAll);
    connect(m_server,
            &TcpServerSession::waitingConnectionsChanged,
            this,
            &TcpServerPanel::updateAcceptControls);
    connect(m_removeClosedButton,
            &QPushButton::clicked,
            m_server,
            &TcpServerSession::removeClosedConnections);
    connect(m_sendToAllBox, &QCheckBox::toggled, this, &TcpServerPanel::updateSendTarget);
    connect(m_server, &TcpServerSession::listenStateChanged, this, [this] {
        updateControls();
        updateReachableLine();
        emit titleChanged();
    });
    // Measured with 10,000 clients (tests/bench, B3): done per accept and per close, this
    // was a third of the event loop's time; coalesced, one update per interval.
    m_connectionsChangedTimer.setSingleShot(true);
    m_connectionsChangedTimer.setInterval(ConnectionsRefreshMs);
    connect(&m_connectionsChangedTimer, &QTimer::timeout, this, [this, updateTitle] {
        updateTitle();
        updateSendTarget();
        updateControls();
        emit titleChanged();
        updateQueues();
    });
    const auto scheduleConnectionsUpdate = [this] {
        if (!m_connectionsChangedTimer.isActive())
            m_connectionsChangedTimer.start();
    };
    connect(m_server, &TcpServerSession::connectionAccepted, this, scheduleConnectionsUpdate);
    connect(m_server, &TcpServerSession::connectionChanged, this, scheduleConnectionsUpdate);
    // Rows arrive in batches: select the first new connection when no open one is
    // selected (none yet, or the ones selected have all closed), so the instructor can type
    // and send to the student straight away. The first of the batch: a class connecting at
    // once must not select whoever came last. Through the selection model, not selectRow(),
    // which would toggle instead while Ctrl is held.
    connect(m_server->connectionModel(),
            &QAbstractItemModel::rowsInserted,
            this,
            [this](const QModelIndex &, int first) {
                if (!isAnySelectedOpen()) {
                    m_connectionView->selectionModel()
                        ->setCurrentIndex(m_connectionView->model()->index(first, 0),
                                          QItemSelectionModel::ClearAndSelect
                                              | QItemSelectionModel::Rows);
                }
                // connectionAccepted came before the row: only now can the target name it.
                updateSendTarget();
                updateControls();
            });
    connect(m_connectionView->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this] {
        updateSendTarget();
        updateControls();
        applyLogFilter();
        updateQueues();
    });
    connect(m_connectionView->selectionModel(),
            &QItemSelectionModel::currentRowChanged,
            this,
            [this](const QModelIndex &current) {
                if (current.isValid())
                    emit currentConnectionChanged(
                        current.data(ConnectionListModel::ConnectionIdRole).toInt());
            });
    connect(m_logFilterBox, &QComboBox::currentIndexChanged, this, &TcpServerPanel::applyLogFilter);
    connect(sendBox(), &SendBox::sendRequested, this, &TcpServerPanel::sendBytes);

    updateControls();
    updateReachableLine();
    updateSendTarget();
    updateAcceptControls();
    updateQueues();
}

QString TcpServerPanel::bindHost() const
{
    return m_bindBox->host();
}

void TcpServerPanel::setBindHost(const QString &host)
{
    m_bindBox->setHost(host);
}

quint16 TcpServerPanel::port() const
{
    return quint16(m_portBox->value());
}

void TcpServerPanel::setPort(quint16 port)
{
    m_portBox->setValue(port);
}

void TcpServerPanel::updateFontMetrics()
{
    // From the font (never ResizeToContents over thousands of rows), again whenever it
    // changes: the peer fits "127.0.0.1:54321", the state "Closed by peer".
    if (!m_connectionView)
        return;
    const int digit = fontMetrics().horizontalAdvance(QLatin1Char('0'));
    m_connectionView->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 6);
    m_connectionView->setColumnWidth(ConnectionListModel::IdColumn, digit * 5);
    m_connectionView->setColumnWidth(ConnectionListModel::PeerColumn, digit * 17);
    m_connectionView->setColumnWidth(ConnectionListModel::StateColumn, digit * 15);
    m_connectionView->setColumnWidth(ConnectionListModel::SinceColumn, digit * 8);
    m_connectionView->setColumnWidth(ConnectionListModel::InColumn, digit * 8);
}

void TcpServerPanel::updateAcceptControls()
{
    const bool manual = !m_server->acceptsAutomatically();
    const int waiting = m_server->waitingConnections();
    m_acceptNextButton->setVisible(manual);
    m_acceptAllButton->setVisible(manual);
    m_waitingLabel->setVisible(manual);
    m_acceptNextButton->setEnabled(waiting > 0);
    m_acceptAllButton->setEnabled(waiting > 0);
    m_waitingLabel->setCountText(waiting == 1 ? tr("1 waiting in the backlog")
                                              : tr("%1 waiting in the backlog").arg(waiting));
}

void TcpServerPanel::updateQueues()
{
    // Showing the state must never pause or resume anything: no toggled() from here.
    const QSignalBlocker blocker(m_pauseButton);
    bool allPaused = false;
    for (int id : selectedConnectionIds()) {
        const TcpConnection *each = m_server->connection(id);
        if (!each || each->state() == ConnectionState::Closed)
            continue;
        if (!each->isReadingPaused()) {
            allPaused = false;
            break;
        }
        allPaused = true;
    }
    m_pauseButton->setChecked(allPaused);
    // One connection's queues, live while they can change without traffic events (paused,
    // or bytes in flight); the timer stops when there is nothing to watch.
    const QList<int> ids = selectedConnectionIds();
    const TcpConnection *connection = ids.size() == 1 ? m_server->connection(ids.first()) : nullptr;
    if (!connection || connection->state() == ConnectionState::Closed) {
        m_queuesLabel->hide();
        m_queuesTimer.stop();
        return;
    }
    m_queuesLabel->setText(
        tr("#%1 in the kernel: %2")
            .arg(QString::number(connection->id()), kernelQueuesText(connection)));
    m_queuesLabel->show();
    if (kernelQueuesMove(connection))
        m_queuesTimer.start();
    else
        m_queuesTimer.stop();
}

QString TcpServerPanel::title() const
{
    if (m_server->isListening())
        return tr("Server :%1").arg(m_server->listenAddress().port);
    return tr("Server (not listening)");
}

void TcpServerPanel::applySpec(const EndpointSpec &spec)
{
    SessionPanel::applySpec(spec);
    setBindHost(spec.host);
    setPort(spec.port);
    m_greetingEdit->setText(spec.options.greeting ? escapedText(*spec.options.greeting) : QString());
}

void TcpServerPanel::start()
{
    if (!m_portBox->isValid())
        return;
    clearStatus();
    m_server->listen(bindHost(), port());
}

EndpointSpec TcpServerPanel::currentSpec() const
{
    EndpointSpec spec;
    spec.kind = SessionKind::TcpServer;
    spec.host = bindHost();
    spec.port = port();
    fillCommonOptions(&spec);
    if (!m_server->greeting().isEmpty())
        spec.options.greeting = m_server->greeting();
    return spec;
}

bool TcpServerPanel::isStarted() const
{
    return m_server->listenState() != TcpServerSession::ListenState::NotListening;
}

int TcpServerPanel::openConnectionCount() const
{
    return m_server->openConnectionCount();
}

QList<int> TcpServerPanel::selectedConnectionIds() const
{
    QList<int> ids;
    const QModelIndexList rows = m_connectionView->selectionModel()->selectedRows();
    for (const QModelIndex &row : rows)
        ids.append(row.data(ConnectionListModel::ConnectionIdRole).toInt());
    std::sort(ids.begin(), ids.end());
    return ids;
}

void TcpServerPanel::applyLogFilter()
{
    if (m_logFilterBox->currentIndex() == 0) {
        logView()->setConnectionFilter({});
        return;
    }
    const QList<int> ids = selectedConnectionIds();
    QSet<int> shown(ids.begin(), ids.end());
    // "Selected connections" with none selected shows none (an empty set would mean all);
    // no connection has the id -1.
    if (shown.isEmpty())
        shown.insert(-1);
    logView()->setConnectionFilter(shown);
}

void TcpServerPanel::forSelected(void (TcpServerSession::*action)(int))
{
    QPointer<TcpServerPanel> alive(this);
    for (int id : selectedConnectionIds())
        (m_server->*action)(id);
    // A half-close waiting for queued data changes what the connection can do before its
    // state changes: the buttons and the send target must not wait for that.
    if (alive) {
        updateControls();
        updateSendTarget();
    }
}

bool TcpServerPanel::isAnySelectedOpen() const
{
    for (int id : selectedConnectionIds()) {
        const TcpConnection *connection = m_server->connection(id);
        if (connection && connection->state() != ConnectionState::Closed)
            return true;
    }
    return false;
}

void TcpServerPanel::applyGreeting()
{
    const EncodeResult result = encodePayload(m_greetingEdit->text(),
                                              InputMode::Escapes,
                                              LineEnding::None);
    markInvalid(m_greetingEdit, !result.ok());
    m_greetingEdit->setToolTip(result.ok() ? greetingToolTip() : result.error);
    // The previous greeting must not stay in force unseen: the field no longer shows it.
    m_server->setGreeting(result.ok() ? result.bytes : QByteArray());
    m_greetingError = result.ok()
                          ? QString()
                          : tr("Greeting not sent while it is invalid: %1").arg(result.error);
    updateFieldProblems();
}

void TcpServerPanel::updateFieldProblems()
{
    setFieldProblem(m_portBox->isValid() ? m_greetingError : m_portBox->errorString());
}

void TcpServerPanel::updateControls()
{
    using State = TcpServerSession::ListenState;
    const State state = m_server->listenState();
    const bool idle = state == State::NotListening;
    const bool canListen = idle && m_portBox->isValid();
    m_listenButton->setToolTip(m_portBox->isValid()
                                   ? tr("bind() + listen(): wait for incoming connections")
                                   : m_portBox->errorString());
    setControlsEnabled({{m_listenButton, canListen},
                        {m_stopButton, !idle},
                        {m_bindBox, idle},
                        {m_portBox, idle}},
                       idle ? (canListen ? static_cast<QWidget *>(m_listenButton) : m_portBox)
                            : m_connectionView);
    switch (state) {
    case State::NotListening:
        setStateLabel(m_stateLabel, tr("Not listening"), Tone::Neutral);
        break;
    case State::LookingUp:
        setStateLabel(m_stateLabel, tr("Looking up %1").arg(bindHost()), Tone::Busy);
        break;
    case State::Listening:
        setStateLabel(m_stateLabel,
                      tr("Listening on %1").arg(m_server->listenAddress().toString()),
                      Tone::Good);
        break;
    }
    // Each button only for connections it still does something to: a Closing connection
    // is already closing, and one that cannot send has nothing to half-close.
    bool anyConnected = false;
    bool anyNotClosed = false;
    bool anyCanSend = false;
    for (int id : selectedConnectionIds()) {
        const TcpConnection *connection = m_server->connection(id);
        if (!connection)
            continue;
        anyConnected = anyConnected || connection->state() == ConnectionState::Connected;
        anyNotClosed = anyNotClosed || connection->state() != ConnectionState::Closed;
        anyCanSend = anyCanSend || connection->canSend();
    }
    setControlsEnabled({{m_closeButton, anyConnected},
                        {m_abortButton, anyNotClosed},
                        {m_halfCloseButton, anyCanSend}},
                       m_connectionView);
}

void TcpServerPanel::updateReachableLine()
{
    if (!m_server->isListening()) {
        m_reachableRow->hide();
        return;
    }
    const SocketAddress listening = m_server->listenAddress();
    const QHostAddress host = listening.address;
    QStringList addresses;
    QString text;
    if (host == QHostAddress::AnyIPv4 || host == QHostAddress::AnyIPv6) {
        for (const LocalAddress &local : localAddresses()) {
            if (host == QHostAddress::AnyIPv4
                && local.address.protocol() != QAbstractSocket::IPv4Protocol)
                continue;
            addresses.append(SocketAddress{local.address, listening.port}.toString());
        }
        text = addresses.isEmpty()
                   ? tr("Students connect to: no network address; only this computer can "
                        "connect (127.0.0.1:%1)")
                         .arg(listening.port)
                   : tr("Students connect to:  %1").arg(addresses.join(QStringLiteral("   ")));
        if (addresses.isEmpty())
            addresses.append(QStringLiteral("127.0.0.1:%1").arg(listening.port));
    } else if (host.isLoopback()) {
        addresses.append(listening.toString());
        text = tr("Only programs on this computer can connect:  %1").arg(listening.toString());
    } else {
        addresses.append(listening.toString());
        text = tr("Students connect to:  %1").arg(listening.toString());
    }
    m_reachableLabel->setText(text);
    m_reachableLabel->setProperty("addresses", addresses.join(QLatin1Char('\n')));
    m_reachableRow->show();
}

void TcpServerPanel::updateSendTarget()
{
    const int open = m_server->openConnectionCount();
    if (open == 0) {
        // No target while nothing can be sent: "Send to the 1 connection" with none open
        // would contradict the list.
        sendBox()->setTargetText(QString());
        sendBox()->setSendingAllowed(false,
                                     m_server->totalAccepted() == 0
                                         ? tr("Nobody is connected yet: a client must connect "
                                              "to this server first.")
                                         : tr("Every connection is closed: a client must "
                                              "connect again to receive anything."));
        return;
    }
    if (m_sendToAllBox->isChecked()) {
        sendBox()->setTargetText(open == 1 ? tr("the 1 connection")
                                           : tr("all %1 connections").arg(open));
        sendBox()->setSendingAllowed(true);
        return;
    }
    QStringList names;
    for (int id : selectedConnectionIds()) {
        const TcpConnection *connection = m_server->connection(id);
        if (connection && connection->canSend())
            names.append(QLatin1Char('#') + QString::number(id));
    }
    if (names.isEmpty()) {
        sendBox()->setTargetText(QString());
        sendBox()->setSendingAllowed(false,
                                     tr("Select an open connection in the list, or tick "
                                        "\"Send to all\", to choose who receives this."));
        return;
    }
    sendBox()->setTargetText(names.size() <= 3 ? names.join(QStringLiteral(", "))
                                               : tr("%1 connections").arg(names.size()));
    sendBox()->setSendingAllowed(true);
}

void TcpServerPanel::sendBytes(const QByteArray &bytes)
{
    const int count = m_sendToAllBox->isChecked()
                          ? m_server->sendToAll(bytes)
                          : m_server->sendTo(selectedConnectionIds(), bytes);
    if (count == 0)
        setStatus(tr("Nothing was sent: none of the chosen connections can send any more."),
                  Tone::Bad);
}
