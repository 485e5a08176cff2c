#include "udppeerpanel.h"

#include "bindaddressbox.h"
#include "endpointspec.h"
#include "invalidfield.h"
#include "portbox.h"
#include "sendbox.h"
#include "trafficlogmodel.h"
#include "trafficlogview.h"
#include "udppeersession.h"

#include <QAction>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>

UdpPeerPanel::UdpPeerPanel(UdpPeerSession *session, QWidget *parent)
    : SessionPanel(session, parent)
    , m_peer(session)
{
    auto *bindRow = new QHBoxLayout;
    auto *bindLabel = new QLabel(tr("&Bind to"), this);
    m_bindBox = new BindAddressBox(this);
    m_bindBox->setObjectName(QStringLiteral("bindBox"));
    m_bindBox->setToolTip(tr("sock.bind((address, port)): a server binds so that clients know "
                             "where to send. A client need not bind: the system picks a port "
                             "at its first sendto()."));
    bindLabel->setBuddy(m_bindBox);
    auto *portLabel = new QLabel(tr("&Port"), this);
    m_portBox = new PortBox(this);
    m_portBox->setObjectName(QStringLiteral("portBox"));
    m_portBox->setMinimum(0);
    m_portBox->setValue(1337);
    m_portBox->setHelpText(tr("The port of sock.bind((address, port)). 0 lets the system pick "
                              "any free port; the one it picked is shown once bound."));
    portLabel->setBuddy(m_portBox);
    m_bindButton = new QPushButton(tr("B&ind"), this);
    m_bindButton->setObjectName(QStringLiteral("bindButton"));
    m_bindButton->setToolTip(tr("sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); "
                                "sock.bind((address, port))"));
    m_unbindButton = new QPushButton(tr("&Unbind"), this);
    m_unbindButton->setObjectName(QStringLiteral("unbindButton"));
    m_unbindButton->setToolTip(tr("sock.close(): the port is free again"));
    m_stateLabel = createStateLabel(this);
    m_stateLabel->setObjectName(QStringLiteral("stateLabel"));
    bindRow->addWidget(bindLabel);
    bindRow->addWidget(m_bindBox, 2);
    bindRow->addWidget(portLabel);
    bindRow->addWidget(m_portBox);
    bindRow->addWidget(m_bindButton);
    bindRow->addWidget(m_unbindButton);
    bindRow->addStretch(1);
    controlsLayout()->addLayout(bindRow);
    // Its own line, as on the server: beside the bind controls, at presentation size, it
    // would not fit a 1024-pixel projector.
    controlsLayout()->addWidget(m_stateLabel);

    auto *destinationLabel = new QLabel(tr("Send &to"), this);
    m_destinationEdit = new QLineEdit(this);
    m_destinationEdit->setObjectName(QStringLiteral("destinationEdit"));
    m_destinationEdit->setPlaceholderText(tr("host:port, e.g. 127.0.0.1:1337"));
    m_destinationEdit->setToolTip(destinationToolTip());
    m_destinationEdit->setClearButtonEnabled(true);
    destinationLabel->setBuddy(m_destinationEdit);
    controlsLayout()->addWidget(createOptionsRow({destinationLabel, m_destinationEdit}));
    finishLayout(logView());
    logView()->tableView()->hideColumn(TrafficLogModel::Connection); // UDP has none

    m_replyAction = new QAction(tr("&Reply to sender"), this);
    m_replyAction->setObjectName(QStringLiteral("replyAction"));
    m_replyAction->setToolTip(tr("sock.sendto(data, addr) with the addr recvfrom() returned"));
    logView()->addRowAction(m_replyAction);
    connect(m_replyAction, &QAction::triggered, this, [this] {
        TrafficEvent event;
        if (logView()->currentEvent(&event) && event.type == EventType::Received)
            replyTo(event.peer);
    });
    connect(logView(), &TrafficLogView::eventActivated, this, [this](const TrafficEvent &event) {
        if (event.type == EventType::Received)
            replyTo(event.peer);
    });
    connect(logView(), &TrafficLogView::currentEventChanged, this, [this] {
        TrafficEvent event;
        m_replyAction->setEnabled(logView()->currentEvent(&event)
                                  && event.type == EventType::Received);
    });

    connect(m_bindButton, &QPushButton::clicked, this, [this] {
        start();
        // Next the instructor types a datagram: the focus goes where it is typed.
        if (isStarted() || m_peer->bindState() == UdpPeerSession::BindState::LookingUp)
            sendBox()->setFocus(Qt::OtherFocusReason);
    });
    connect(m_portBox, &PortBox::portChanged, this, [this] {
        updateFieldProblems();
        updateControls();
    });
    connect(m_unbindButton, &QPushButton::clicked, m_peer, &UdpPeerSession::unbind);
    connect(m_destinationEdit, &QLineEdit::textChanged, this, &UdpPeerPanel::validateDestination);
    connect(m_peer, &UdpPeerSession::bindStateChanged, this, [this] {
        updateControls();
        emit titleChanged();
        if (!m_peer->isBoundExplicitly() || !m_sendOnBindPending || !m_destinationError.isEmpty())
            return;
        m_sendOnBindPending = false;
        if (m_sendOnBind && !m_sendOnBind->isEmpty())
            sendDatagram(*m_sendOnBind);
    });
    connect(sendBox(), &SendBox::sendRequested, this, &UdpPeerPanel::sendDatagram);
    validateDestination();
    updateControls();
}

QString UdpPeerPanel::title() const
{
    if (m_peer->isBound())
        return tr("UDP :%1").arg(m_peer->localAddress().port);
    return tr("UDP (not bound)");
}

void UdpPeerPanel::applySpec(const EndpointSpec &spec)
{
    SessionPanel::applySpec(spec);
    setBindHost(spec.host);
    setPort(spec.port);
    if (spec.options.to)
        setDestination(spec.options.to->toString());
    m_sendOnBind = spec.options.send;
    m_sendOnBindPending = spec.options.send.has_value();
}

void UdpPeerPanel::start()
{
    if (!m_portBox->isValid())
        return;
    clearStatus();
    m_peer->bind(bindHost(), port());
}

EndpointSpec UdpPeerPanel::currentSpec() const
{
    EndpointSpec spec;
    spec.kind = SessionKind::Udp;
    spec.host = bindHost();
    spec.port = port();
    fillCommonOptions(&spec);
    if (m_destinationError.isEmpty()) {
        if (const std::optional<HostPort> to = parseHostPort(destination(), nullptr))
            spec.options.to = *to;
    }
    // send= needs to=: without a destination the spec would not load again, so a bad
    // destination costs the saved send= rather than the whole workspace.
    if (spec.options.to)
        spec.options.send = m_sendOnBind;
    return spec;
}

bool UdpPeerPanel::isStarted() const
{
    return m_peer->isBoundExplicitly();
}

QString UdpPeerPanel::bindHost() const
{
    return m_bindBox->host();
}

void UdpPeerPanel::setBindHost(const QString &host)
{
    m_bindBox->setHost(host);
}

quint16 UdpPeerPanel::port() const
{
    return quint16(m_portBox->value());
}

void UdpPeerPanel::setPort(quint16 port)
{
    m_portBox->setValue(port);
}

QString UdpPeerPanel::destination() const
{
    return m_destinationEdit->text().trimmed();
}

void UdpPeerPanel::setDestination(const QString &hostPort)
{
    m_destinationEdit->setText(hostPort);
}

void UdpPeerPanel::sendDatagram(const QByteArray &bytes)
{
    if (const std::optional<HostPort> target = parseHostPort(destination(), nullptr))
        m_peer->sendToHost(target->host, target->port, bytes);
}

void UdpPeerPanel::replyTo(const SocketAddress &sender)
{
    setDestination(sender.toString());
    sendBox()->setFocus();
}

QString UdpPeerPanel::destinationToolTip()
{
    return tr("The (host, port) of sock.sendto(data, (host, port)). Double-click a received "
              "datagram to reply to its sender.");
}

void UdpPeerPanel::validateDestination()
{
    QString error;
    if (destination().isEmpty())
        error = tr("Type where to send, as host:port (e.g. 127.0.0.1:1337), or double-click a "
                   "received datagram to reply to its sender.");
    else if (!parseHostPort(destination(), &error))
        error = error.isEmpty() ? tr("Write the destination as host:port.") : error;
    m_destinationError = error;
    markInvalid(m_destinationEdit, !error.isEmpty() && !destination().isEmpty());
    // Emptied, the field explains itself again instead of keeping the last mistake.
    if (destination().isEmpty())
        m_destinationEdit->setToolTip(destinationToolTip());
    else
        m_destinationEdit->setToolTip(error.isEmpty() ? tr("sock.sendto(data, (host, port))")
                                                      : error);
    updateFieldProblems();
    updateControls();
}

void UdpPeerPanel::updateFieldProblems()
{
    // An empty destination is where every UDP tab starts, not a mistake: the send box says
    // what to do. A wrong one is said in words, not only by a red border.
    QString problem = m_portBox->errorString();
    if (problem.isEmpty() && !destination().isEmpty())
        problem = m_destinationError;
    setFieldProblem(problem);
}

void UdpPeerPanel::updateControls()
{
    using State = UdpPeerSession::BindState;
    const State state = m_peer->bindState();
    // The fields go with the Bind button: after the system picked a port at the first send,
    // Bind still binds, to what the fields say.
    const bool canBind = !m_peer->isBoundExplicitly() && state != State::LookingUp;
    m_bindButton->setToolTip(m_portBox->isValid()
                                 ? tr("sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); "
                                      "sock.bind((address, port))")
                                 : m_portBox->errorString());
    setControlsEnabled({{m_bindButton, canBind && m_portBox->isValid()},
                        {m_unbindButton, state != State::Unbound},
                        {m_bindBox, canBind},
                        {m_portBox, canBind}},
                       canBind ? (m_portBox->isValid() ? static_cast<QWidget *>(m_bindButton)
                                                       : m_portBox)
                               : sendBox());
    m_stateLabel->setToolTip(
        state == State::Bound && !m_peer->isBoundExplicitly()
            ? tr("The system picked this port at the first sendto(), as it does for a socket "
                 "that was never bound; replies to it arrive here. Bind uses the address and "
                 "port in the fields instead.")
            : QString());
    if (state == State::LookingUp)
        setStateLabel(m_stateLabel, tr("Looking up %1").arg(bindHost()), Tone::Busy);
    else if (m_peer->isBoundExplicitly())
        setStateLabel(m_stateLabel,
                      tr("Bound to %1").arg(m_peer->localAddress().toString()),
                      Tone::Good);
    else if (state == State::Bound)
        // The system's port, not the field's: the field is what Bind would ask for.
        setStateLabel(m_stateLabel,
                      tr("Bound by the system to port %1").arg(m_peer->localAddress().port),
                      Tone::Good);
    else
        setStateLabel(m_stateLabel, tr("Not bound"), Tone::Neutral);

    if (m_destinationError.isEmpty()) {
        sendBox()->setTargetText(destination());
        sendBox()->setSendingAllowed(true);
    } else {
        sendBox()->setSendingAllowed(false, m_destinationError);
    }
}
