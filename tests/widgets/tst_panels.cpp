#include "bindaddressbox.h"
#include "connectionlistmodel.h"
#include "endpointspec.h"
#include "lessonviews.h"
#include "portbox.h"
#include "sendbox.h"
#include "socketmapview.h"
#include "tcpclientpanel.h"
#include "tcpclientsession.h"
#include "tcpserverpanel.h"
#include "tcpserversession.h"
#include "trafficlogmodel.h"
#include "trafficlogview.h"
#include "udppeerpanel.h"
#include "udppeersession.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSet>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStyle>
#include <QStyleOptionButton>
#include <QTabBar>
#include <QTabWidget>
#include <QTableView>
#include <QTcpSocket>
#include <QTest>

#include <initializer_list>
#include <memory>

// The lesson clicked through with real panels on real loopback sockets: every step is a
// click, a typed text or a key a user would press, found by the widgets' object names.
// Only 127.0.0.1 is used, always with port 0, and the real port is read from the session.

namespace {

const QString Loopback = QStringLiteral("127.0.0.1");
const QString FinText = QStringLiteral("peer finished sending (FIN)");
const QString ClosedByPeerText = QStringLiteral("closed by peer");

// A child the test relies on. A missing one is a renamed widget, not a test failure to
// report politely: stop with its name rather than dereference null.
template<typename T>
T *find(const QObject *parent, const char *objectName)
{
    T *found = parent->findChild<T *>(QLatin1String(objectName));
    if (!found) {
        qFatal("%s has no %s named \"%s\"",
               parent->metaObject()->className(),
               T::staticMetaObject.className(),
               objectName);
    }
    return found;
}

// A push button is hit anywhere; a check box only on its box or its text, and a layout
// may make it much wider than that, so it is clicked on the box.
void click(const QObject *parent, const char *objectName)
{
    auto *button = find<QAbstractButton>(parent, objectName);
    QPoint position = button->rect().center();
    if (auto *checkBox = qobject_cast<QCheckBox *>(button)) {
        QStyleOptionButton option;
        option.initFrom(checkBox);
        position = checkBox->style()
                       ->subElementRect(QStyle::SE_CheckBoxIndicator, &option, checkBox)
                       .center();
    }
    QTest::mouseClick(button, Qt::LeftButton, Qt::NoModifier, position);
}

// What a user does to change a field: Ctrl+A, then type over the selection.
void typeOver(QWidget *field, const QString &text)
{
    QTest::keyClick(field, Qt::Key_A, Qt::ControlModifier);
    QTest::keyClicks(field, text);
}

QPlainTextEdit *sendEditor(const SessionPanel &panel)
{
    return find<QPlainTextEdit>(&panel, "sendEditor");
}

QPushButton *sendButton(const SessionPanel &panel)
{
    return find<QPushButton>(&panel, "sendButton");
}

void typeMessage(const SessionPanel &panel, const QString &text)
{
    QPlainTextEdit *editor = sendEditor(panel);
    editor->setFocus();
    typeOver(editor, text);
}

// The send box's keyboard path: type, then Ctrl+Enter.
void typeAndPressCtrlEnter(const SessionPanel &panel, const QString &text)
{
    typeMessage(panel, text);
    QTest::keyClick(sendEditor(panel), Qt::Key_Return, Qt::ControlModifier);
}

// The log's Data column for the rows of one event type, oldest first: b'...' for data,
// words for events.
QStringList logTexts(const QAbstractItemModel *log, EventType type)
{
    QStringList texts;
    for (int row = 0; row < log->rowCount(); ++row) {
        const QModelIndex index = log->index(row, TrafficLogModel::Data);
        if (index.data(TrafficLogModel::EventTypeRole).toInt() == int(type))
            texts.append(index.data().toString());
    }
    return texts;
}

// Every row's Data column, oldest first: for checking the order of events.
QStringList logTexts(const QAbstractItemModel *log)
{
    QStringList texts;
    for (int row = 0; row < log->rowCount(); ++row)
        texts.append(log->index(row, TrafficLogModel::Data).data().toString());
    return texts;
}

// The row of the first event of this type showing this text, or -1.
int rowOf(const QAbstractItemModel *log, EventType type, const QString &text)
{
    for (int row = 0; row < log->rowCount(); ++row) {
        const QModelIndex index = log->index(row, TrafficLogModel::Data);
        if (index.data(TrafficLogModel::EventTypeRole).toInt() == int(type)
            && index.data().toString() == text) {
            return row;
        }
    }
    return -1;
}

// The Peer column of the rows of one event type, oldest first.
QStringList logPeers(const QAbstractItemModel *log, EventType type)
{
    QStringList peers;
    for (int row = 0; row < log->rowCount(); ++row) {
        const QModelIndex index = log->index(row, TrafficLogModel::Peer);
        if (index.data(TrafficLogModel::EventTypeRole).toInt() == int(type))
            peers.append(index.data().toString());
    }
    return peers;
}

QString connectionText(const TcpServerPanel &server, int row, ConnectionListModel::Column column)
{
    return server.connectionView()->model()->index(row, column).data().toString();
}

// The connection list's row whose peer is this client, or -1.
int connectionRowOf(const TcpServerPanel &server, const TcpClientPanel &client)
{
    const QString peer = client.client()->localAddress().toString();
    const QAbstractItemModel *connections = server.connectionView()->model();
    for (int row = 0; row < connections->rowCount(); ++row) {
        if (connectionText(server, row, ConnectionListModel::PeerColumn) == peer)
            return row;
    }
    return -1;
}

// The id of the client's connection on the server (#1 is the first accepted), or 0.
int connectionIdOf(const TcpServerPanel &server, const TcpClientPanel &client)
{
    return server.connectionView()
        ->model()
        ->index(connectionRowOf(server, client), 0)
        .data(ConnectionListModel::ConnectionIdRole)
        .toInt();
}

void clickRow(QTableView *view, int row, int column = 0)
{
    const QPoint center = view->visualRect(view->model()->index(row, column)).center();
    QTest::mouseClick(view->viewport(), Qt::LeftButton, Qt::NoModifier, center);
}

bool showAll(std::initializer_list<QWidget *> panels)
{
    for (QWidget *panel : panels) {
        panel->resize(900, 600);
        panel->show();
        if (!QTest::qWaitForWindowExposed(panel))
            return false;
    }
    return true;
}

// Chooses loopback and port 0 ("any free port") in a bind row, as a user does.
void chooseLoopbackAnyPort(const SessionPanel &panel)
{
    auto *bindBox = find<QComboBox>(&panel, "bindBox");
    bindBox->setCurrentIndex(bindBox->findData(Loopback));
    typeOver(find<QLineEdit>(&panel, "portBox"), QStringLiteral("0"));
}

// The helpers below only click: each test waits for the outcome itself, with QTRY_*, so
// that a failure points at the step of the lesson that failed.

// sock.bind(("127.0.0.1", 0)); sock.listen()
void clickListenOnLoopback(const TcpServerPanel &server)
{
    chooseLoopbackAnyPort(server);
    click(&server, "listenButton");
}

// sock.bind(("127.0.0.1", 0)) on a UDP socket.
void clickBindOnLoopback(const UdpPeerPanel &peer)
{
    chooseLoopbackAnyPort(peer);
    click(&peer, "bindButton");
}

// sock.connect(("127.0.0.1", port)), typed into the client's fields.
void clickConnect(const TcpClientPanel &client, quint16 port)
{
    typeOver(find<QComboBox>(&client, "hostBox")->lineEdit(), Loopback);
    typeOver(find<QLineEdit>(&client, "portBox"), QString::number(port));
    click(&client, "connectButton");
}

bool isConnected(const TcpClientPanel &client)
{
    return client.client()->state() == ConnectionState::Connected;
}

quint16 listeningPort(const TcpServerPanel &server)
{
    return server.server()->listenAddress().port;
}

// The user-facing controls of a panel, leaving out the parts a control is built from
// (a combo box's line edit, a spin box's, a line edit's clear button, a table's corner
// button, a tab bar's scroll buttons): those are covered by their control's tooltip.
bool isOwnControl(const QWidget *widget, const QWidget *panel)
{
    const bool control = qobject_cast<const QAbstractButton *>(widget)
                         || qobject_cast<const QComboBox *>(widget)
                         || qobject_cast<const QAbstractSpinBox *>(widget)
                         || qobject_cast<const QLineEdit *>(widget)
                         || qobject_cast<const QPlainTextEdit *>(widget);
    if (!control)
        return false;
    for (const QWidget *parent = widget->parentWidget(); parent && parent != panel;
         parent = parent->parentWidget()) {
        if (qobject_cast<const QComboBox *>(parent)
            || qobject_cast<const QAbstractSpinBox *>(parent)
            || qobject_cast<const QLineEdit *>(parent)
            || qobject_cast<const QAbstractItemView *>(parent)
            || qobject_cast<const QTabBar *>(parent)) {
            return false;
        }
    }
    return true;
}

QString describe(const QWidget *widget)
{
    QString text;
    if (auto *button = qobject_cast<const QAbstractButton *>(widget))
        text = button->text();
    return QStringLiteral("%1 \"%2\" %3")
        .arg(QLatin1String(widget->metaObject()->className()), widget->objectName(), text);
}

enum class PanelKind { TcpServer, TcpClient, UdpPeer };

std::unique_ptr<SessionPanel> createPanel(PanelKind kind, int id = 1)
{
    switch (kind) {
    case PanelKind::TcpServer:
        return std::make_unique<TcpServerPanel>(new TcpServerSession(id));
    case PanelKind::TcpClient:
        return std::make_unique<TcpClientPanel>(new TcpClientSession(id));
    case PanelKind::UdpPeer:
        return std::make_unique<UdpPeerPanel>(new UdpPeerSession(id));
    }
    return nullptr;
}

// The button that starts a panel's socket: Listen, Connect or Bind.
const char *startButtonName(PanelKind kind)
{
    switch (kind) {
    case PanelKind::TcpServer:
        return "listenButton";
    case PanelKind::TcpClient:
        return "connectButton";
    case PanelKind::UdpPeer:
        return "bindButton";
    }
    return "";
}

// The enabled state of a server's connection buttons, as "close abort half-close".
QString connectionButtons(const TcpServerPanel &server)
{
    QStringList enabled;
    for (const char *name : {"closeButton", "abortButton", "halfCloseButton"})
        enabled.append(find<QPushButton>(&server, name)->isEnabled() ? QStringLiteral("on")
                                                                     : QStringLiteral("off"));
    return enabled.join(u' ');
}

// The port of a loopback server that was listening and is no longer: connecting to it
// is refused.
quint16 refusedPort()
{
    TcpServerSession server(99);
    QSignalSpy listening(&server, &TcpServerSession::listenStateChanged);
    server.listen(QStringLiteral("127.0.0.1"), 0);
    if (!server.isListening() && !listening.wait())
        return 0;
    const quint16 port = server.listenAddress().port;
    server.stopListening();
    return port;
}

} // namespace

Q_DECLARE_METATYPE(PanelKind)

class tst_Panels : public QObject
{
    Q_OBJECT

private slots:
    void lessonExchangeClientToServerAndBack();
    void clientAbortIsResetByPeerOnServer();
    void clientHalfCloseStillReadsTheAnswer();
    void udpReplyToSender_data();
    void udpReplyToSender();
    void invalidHexIsNeverSent();
    void invalidHostBlocksConnect();
    void invalidUdpDestinationBlocksSending();
    void sendToAllRemoveClosedAndStopListening();
    void selectedConnectionsFilterShowsOnlyTheirRows();
    void everyControlHasATooltip_data();
    void everyControlHasATooltip();
    void everyLessonViewHasATooltip();
    void fieldOnceMarkedInvalidFollowsTheFont();
    void focusGoesWhereTheNextStepIs();
    void serverSendTargetFollowsTheConnections();
    void serverConnectionButtonsFollowWhatEachCanDo();
    void serverPanelFollowsAClassInBatches();
    void invalidGreetingIsNotSentAndSaysSo();
    void udpBadDestinationIsSaidInTheStatusLine();
    void udpImplicitBindLeavesTheFieldsUsable();
    void sendOptionIsKeptInTheSpec_data();
    void sendOptionIsKeptInTheSpec();
    void recentHostsLeaveTheStatusAlone();
    void manualAcceptIsAStepOfItsOwn();
    void pauseReadingShowsTheKernelQueue();
    void clientPauseReadingFillsTheKernelQueue();
    void changingTheSelectionNeverResumesReading();
    void bindAddressBoxIsSharedByServerAndUdp();
    void portFieldSaysWhatIsWrong_data();
    void portFieldSaysWhatIsWrong();
};

void tst_Panels::lessonExchangeClientToServerAndBack()
{
    TcpServerPanel server(new TcpServerSession(1));
    TcpClientPanel client(new TcpClientSession(2));
    QAbstractItemModelTester tester(server.connectionView()->model(),
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
    QVERIFY(showAll({&server, &client}));

    // sock.bind(("127.0.0.1", 0)); sock.listen()
    clickListenOnLoopback(server);
    QTRY_VERIFY2(server.server()->isListening(), qPrintable(server.statusText()));
    QCOMPARE(server.bindHost(), Loopback);
    QCOMPARE(server.port(), quint16(0));
    // The port the system picked is the one shown.
    const SocketAddress listening = server.server()->listenAddress();
    QVERIFY(listening.port != 0);
    QCOMPARE(listening.hostString(), Loopback);
    const QString stateText = find<QLabel>(&server, "stateLabel")->text();
    QVERIFY2(stateText.contains(QStringLiteral("Listening on ") + listening.toString()),
             qPrintable(stateText));

    // sock.connect(("127.0.0.1", port)); sock.send("Hello world!".encode())
    clickConnect(client, listeningPort(server));
    QTRY_VERIFY2(isConnected(client), qPrintable(client.statusText()));
    typeAndPressCtrlEnter(client, QStringLiteral("Hello world!"));
    QTRY_COMPARE(logTexts(server.logModel(), EventType::Received),
                 QStringList{QStringLiteral("b'Hello world!'")});
    QTRY_COMPARE(logTexts(client.logModel(), EventType::Sent),
                 QStringList{QStringLiteral("b'Hello world!'")});

    // con, addr = sock.accept(): one row, addr being the client's own end.
    QTRY_COMPARE(server.connectionView()->model()->rowCount(), 1);
    QCOMPARE(connectionText(server, 0, ConnectionListModel::PeerColumn),
             client.client()->localAddress().toString());

    // The first connection is selected by itself, so the reply goes straight to it.
    QCOMPARE(server.selectedConnectionIds(), QList<int>{1});
    typeMessage(server, QStringLiteral("Hi, student!"));
    QVERIFY(sendButton(server)->isEnabled());
    QTest::mouseClick(sendButton(server), Qt::LeftButton);
    QTRY_COMPARE(logTexts(client.logModel(), EventType::Received),
                 QStringList{QStringLiteral("b'Hi, student!'")});

    // sock.close(): the server reads b'' (the FIN), then closes its side.
    click(&client, "closeButton");
    QTRY_COMPARE(connectionText(server, 0, ConnectionListModel::StateColumn),
                 QStringLiteral("Closed by peer"));
    QTRY_VERIFY(logTexts(server.logModel()).contains(ClosedByPeerText));
    const TrafficLogModel *log = server.logModel();
    const int fin = rowOf(log, EventType::Eof, FinText);
    const QString rows = logTexts(log).join(u'\n');
    QVERIFY2(fin > rowOf(log, EventType::Received, QStringLiteral("b'Hello world!'")),
             qPrintable(rows));
    QVERIFY2(rowOf(log, EventType::Closed, ClosedByPeerText) > fin, qPrintable(rows));

    // With nobody left, the send box says why it cannot send: not "nobody connected yet".
    QVERIFY(!sendButton(server)->isEnabled());
    QVERIFY2(sendButton(server)->toolTip().contains(QStringLiteral("closed")),
             qPrintable(sendButton(server)->toolTip()));
}

void tst_Panels::clientAbortIsResetByPeerOnServer()
{
    TcpServerPanel server(new TcpServerSession(1));
    TcpClientPanel client(new TcpClientSession(2));
    QVERIFY(showAll({&server, &client}));
    clickListenOnLoopback(server);
    QTRY_VERIFY2(server.server()->isListening(), qPrintable(server.statusText()));
    clickConnect(client, listeningPort(server));
    QTRY_VERIFY2(isConnected(client), qPrintable(client.statusText()));
    QTRY_VERIFY(connectionRowOf(server, client) >= 0);

    click(&client, "abortButton");
    QCOMPARE(client.client()->stateText(), QStringLiteral("Aborted (RST sent)"));
    QTRY_COMPARE(connectionText(server, 0, ConnectionListModel::StateColumn),
                 QStringLiteral("Reset by peer"));
    QTRY_VERIFY(logTexts(server.logModel(), EventType::Closed)
                    .contains(QStringLiteral("reset by peer (RST)")));
    // A reset is never shown as a FIN.
    QVERIFY(!logTexts(server.logModel()).contains(FinText));
}

void tst_Panels::clientHalfCloseStillReadsTheAnswer()
{
    // Our server closes its side once the peer's FIN arrives and its queue is empty
    // (DESIGN.md), so nobody can type an answer there after the FIN: the answer is the
    // server's echo, which crosses the client's FIN.
    TcpServerPanel server(new TcpServerSession(1));
    TcpClientPanel client(new TcpClientSession(2));
    QVERIFY(showAll({&server, &client}));
    clickListenOnLoopback(server);
    QTRY_VERIFY2(server.server()->isListening(), qPrintable(server.statusText()));
    click(&server, "echoBox");
    QVERIFY(server.server()->echo());
    clickConnect(client, listeningPort(server));
    QTRY_VERIFY2(isConnected(client), qPrintable(client.statusText()));
    QTRY_VERIFY(connectionRowOf(server, client) >= 0);

    // Sent and half-closed before the event loop runs again: the server reads the data and
    // the FIN in one go, and its echo reaches a client that has already sent its FIN.
    typeAndPressCtrlEnter(client, QStringLiteral("Hello world!"));
    click(&client, "halfCloseButton");
    // sock.shutdown(SHUT_WR): sending is over, with the reason shown; reading is not.
    QVERIFY(!sendButton(client)->isEnabled());
    QVERIFY2(sendButton(client)->toolTip().contains(QStringLiteral("FIN")),
             qPrintable(sendButton(client)->toolTip()));
    QVERIFY(!find<QPushButton>(&client, "halfCloseButton")->isEnabled());

    QTRY_VERIFY(logTexts(server.logModel()).contains(FinText));
    QTRY_COMPARE(logTexts(client.logModel(), EventType::Received),
                 QStringList{QStringLiteral("b'Hello world!'")});
    const QStringList notes = logTexts(client.logModel(), EventType::Note);
    QCOMPARE(notes.size(), 1);
    QVERIFY2(notes.first().startsWith(QStringLiteral("sent FIN")), qPrintable(notes.first()));
    QVERIFY2(rowOf(client.logModel(), EventType::Received, QStringLiteral("b'Hello world!'"))
                 > rowOf(client.logModel(), EventType::Note, notes.first()),
             qPrintable(logTexts(client.logModel()).join(u'\n')));

    // The server saw the data, answered, then the FIN, and closed after it.
    QTRY_VERIFY(logTexts(server.logModel()).contains(ClosedByPeerText));
    const TrafficLogModel *log = server.logModel();
    const int echo = rowOf(log, EventType::Sent, QStringLiteral("b'Hello world!'"));
    QVERIFY2(echo > rowOf(log, EventType::Received, QStringLiteral("b'Hello world!'")),
             qPrintable(logTexts(log).join(u'\n')));
    QVERIFY2(rowOf(log, EventType::Eof, FinText) > echo, qPrintable(logTexts(log).join(u'\n')));
    QTRY_COMPARE(client.client()->stateText(), QStringLiteral("Closed by peer"));
}

void tst_Panels::udpReplyToSender_data()
{
    QTest::addColumn<bool>("doubleClick");
    QTest::newRow("row action Reply to sender") << false;
    QTest::newRow("double-click on the row") << true;
}

void tst_Panels::udpReplyToSender()
{
    QFETCH(bool, doubleClick);

    UdpPeerPanel a(new UdpPeerSession(1));
    UdpPeerPanel b(new UdpPeerSession(2));
    QVERIFY(showAll({&a, &b}));
    clickBindOnLoopback(a);
    QTRY_VERIFY2(a.peer()->isBoundExplicitly(), qPrintable(a.statusText()));
    clickBindOnLoopback(b);
    QTRY_VERIFY2(b.peer()->isBoundExplicitly(), qPrintable(b.statusText()));
    const SocketAddress aAddress = a.peer()->localAddress();
    const SocketAddress bAddress = b.peer()->localAddress();
    QVERIFY(aAddress.port != 0 && bAddress.port != 0);

    // B: sock.sendto(b"ping", ("127.0.0.1", port of A))
    typeOver(find<QLineEdit>(&b, "destinationEdit"), aAddress.toString());
    typeAndPressCtrlEnter(b, QStringLiteral("ping"));
    // A: data, addr = sock.recvfrom(1024), addr being B's.
    QTRY_COMPARE(logTexts(a.logModel(), EventType::Received),
                 QStringList{QStringLiteral("b'ping'")});
    QCOMPARE(logPeers(a.logModel(), EventType::Received), QStringList{bAddress.toString()});

    QTableView *table = a.logView()->tableView();
    const int row = rowOf(table->model(), EventType::Received, QStringLiteral("b'ping'"));
    QVERIFY(row >= 0);
    clickRow(table, row, TrafficLogModel::Data);
    if (doubleClick) {
        const QPoint center = table->visualRect(table->model()->index(row, TrafficLogModel::Data))
                                  .center();
        QTest::mouseDClick(table->viewport(), Qt::LeftButton, Qt::NoModifier, center);
    } else {
        auto *reply = find<QAction>(&a, "replyAction");
        QVERIFY(reply->isEnabled());
        reply->trigger();
    }
    // A: sock.sendto(b"pong", addr)
    QCOMPARE(find<QLineEdit>(&a, "destinationEdit")->text(), bAddress.toString());
    typeAndPressCtrlEnter(a, QStringLiteral("pong"));
    QTRY_COMPARE(logTexts(b.logModel(), EventType::Received),
                 QStringList{QStringLiteral("b'pong'")});
    QCOMPARE(logPeers(b.logModel(), EventType::Received), QStringList{aAddress.toString()});
}

void tst_Panels::invalidHexIsNeverSent()
{
    TcpServerPanel server(new TcpServerSession(1));
    TcpClientPanel client(new TcpClientSession(2));
    QVERIFY(showAll({&server, &client}));
    clickListenOnLoopback(server);
    QTRY_VERIFY2(server.server()->isListening(), qPrintable(server.statusText()));
    clickConnect(client, listeningPort(server));
    QTRY_VERIFY2(isConnected(client), qPrintable(client.statusText()));
    QTRY_VERIFY(connectionRowOf(server, client) >= 0);
    QVERIFY(sendButton(client)->isEnabled());

    auto *modeBox = find<QComboBox>(&client, "inputModeBox");
    modeBox->setCurrentIndex(modeBox->findData(int(InputMode::Hex)));
    typeMessage(client, QStringLiteral("4g"));
    QVERIFY(!sendButton(client)->isEnabled());
    auto *errorLabel = find<QLabel>(&client, "errorLabel");
    QVERIFY(errorLabel->isVisible());
    // 'g' is the second character: people count from 1.
    QVERIFY2(errorLabel->text().contains(QStringLiteral("position 2")),
             qPrintable(errorLabel->text()));
    QTest::keyClick(sendEditor(client), Qt::Key_Return, Qt::ControlModifier);
    QVERIFY(!client.sendBox()->trySend());

    // Nothing went out: the next valid message is the first and only one to arrive.
    typeAndPressCtrlEnter(client, QStringLiteral("41"));
    QVERIFY(!errorLabel->isVisible());
    QTRY_COMPARE(logTexts(server.logModel(), EventType::Received),
                 QStringList{QStringLiteral("b'A'")});
    QTRY_COMPARE(logTexts(client.logModel(), EventType::Sent), QStringList{QStringLiteral("b'A'")});
}

void tst_Panels::invalidHostBlocksConnect()
{
    TcpClientPanel client(new TcpClientSession(1));
    QVERIFY(showAll({&client}));
    auto *connectButton = find<QPushButton>(&client, "connectButton");
    QVERIFY(connectButton->isEnabled());

    typeOver(find<QComboBox>(&client, "hostBox")->lineEdit(), QStringLiteral("bad host!"));
    QVERIFY(!connectButton->isEnabled());
    const QString reason = client.hostError();
    QVERIFY(!reason.isEmpty());
    QCOMPARE(connectButton->toolTip(), reason);
    QCOMPARE(client.statusText(), reason);
    QVERIFY(find<QLabel>(&client, "statusLabel")->isVisible());

    // A click on the disabled button starts nothing: no lookup, no connect.
    click(&client, "connectButton");
    QCOMPARE(client.client()->state(), ConnectionState::Unconnected);

    typeOver(find<QComboBox>(&client, "hostBox")->lineEdit(), Loopback);
    QVERIFY(connectButton->isEnabled());
    QVERIFY(client.statusText().isEmpty());
}

void tst_Panels::invalidUdpDestinationBlocksSending()
{
    UdpPeerPanel sender(new UdpPeerSession(1));
    UdpPeerPanel receiver(new UdpPeerSession(2));
    QVERIFY(showAll({&sender, &receiver}));
    clickBindOnLoopback(receiver);
    QTRY_VERIFY2(receiver.peer()->isBoundExplicitly(), qPrintable(receiver.statusText()));
    auto *destinationEdit = find<QLineEdit>(&sender, "destinationEdit");

    typeOver(destinationEdit, QStringLiteral("127.0.0.1:99999"));
    const QString reason = sender.destinationError();
    QVERIFY2(reason.contains(QStringLiteral("99999")), qPrintable(reason));
    QVERIFY(!sendButton(sender)->isEnabled());
    QCOMPARE(sendButton(sender)->toolTip(), reason);
    QCOMPARE(destinationEdit->toolTip(), reason);
    typeAndPressCtrlEnter(sender, QStringLiteral("lost"));
    QVERIFY(!sender.sendBox()->trySend());

    // Emptied, the field no longer shows the old mistake as its tooltip.
    QTest::keyClick(destinationEdit, Qt::Key_A, Qt::ControlModifier);
    QTest::keyClick(destinationEdit, Qt::Key_Delete);
    QVERIFY(destinationEdit->text().isEmpty());
    QVERIFY(!destinationEdit->toolTip().isEmpty());
    QVERIFY2(!destinationEdit->toolTip().contains(QStringLiteral("99999")),
             qPrintable(destinationEdit->toolTip()));

    // Nothing went out: the next valid message is the first and only one to arrive.
    typeOver(destinationEdit, receiver.peer()->localAddress().toString());
    QVERIFY(sendButton(sender)->isEnabled());
    typeAndPressCtrlEnter(sender, QStringLiteral("marker"));
    QTRY_COMPARE(logTexts(receiver.logModel(), EventType::Received),
                 QStringList{QStringLiteral("b'marker'")});
    QTRY_COMPARE(logTexts(sender.logModel(), EventType::Sent),
                 QStringList{QStringLiteral("b'marker'")});
}

void tst_Panels::sendToAllRemoveClosedAndStopListening()
{
    TcpServerPanel server(new TcpServerSession(1));
    TcpClientPanel first(new TcpClientSession(2));
    TcpClientPanel second(new TcpClientSession(3));
    QVERIFY(showAll({&server, &first, &second}));
    clickListenOnLoopback(server);
    QTRY_VERIFY2(server.server()->isListening(), qPrintable(server.statusText()));

    // Both click Connect before the server accepts either: both rows then usually arrive in
    // one batch of the list, and the selection must still go to the first of them.
    clickConnect(first, listeningPort(server));
    clickConnect(second, listeningPort(server));
    QTRY_VERIFY(isConnected(first) && isConnected(second));
    QTRY_COMPARE(server.connectionView()->model()->rowCount(), 2);
    // The first connection is the one selected, whichever batch brought it.
    QCOMPARE(server.selectedConnectionIds(), QList<int>{1});

    click(&server, "sendToAllBox");
    QVERIFY(find<QCheckBox>(&server, "sendToAllBox")->isChecked());
    typeMessage(server, QStringLiteral("to everyone"));
    QTest::mouseClick(sendButton(server), Qt::LeftButton);
    for (const TcpClientPanel *client : {&first, &second}) {
        QTRY_COMPARE(logTexts(client->logModel(), EventType::Received),
                     QStringList{QStringLiteral("b'to everyone'")});
    }

    // The first leaves; Remove closed takes its row away and keeps the other.
    click(&first, "closeButton");
    QTRY_COMPARE(connectionText(server,
                                connectionRowOf(server, first),
                                ConnectionListModel::StateColumn),
                 QStringLiteral("Closed by peer"));
    click(&server, "removeClosedButton");
    QCOMPARE(server.connectionView()->model()->rowCount(), 1);
    QCOMPARE(connectionRowOf(server, second), 0);

    // Stop listening closes the listening socket only: the accepted one still talks.
    auto *stateLabel = find<QLabel>(&server, "stateLabel");
    QVERIFY(stateLabel->text().contains(QStringLiteral("Listening on")));
    click(&server, "stopButton");
    QTRY_VERIFY2(stateLabel->text().contains(QStringLiteral("Not listening")),
                 qPrintable(stateLabel->text()));
    QVERIFY(find<QPushButton>(&server, "listenButton")->isEnabled());
    QCOMPARE(connectionText(server, 0, ConnectionListModel::StateColumn),
             QStringLiteral("Connected"));

    click(&server, "sendToAllBox");
    QVERIFY(!find<QCheckBox>(&server, "sendToAllBox")->isChecked());
    clickRow(server.connectionView(), 0);
    typeMessage(server, QStringLiteral("still here"));
    QTest::mouseClick(sendButton(server), Qt::LeftButton);
    QTRY_COMPARE(logTexts(second.logModel(), EventType::Received),
                 (QStringList{QStringLiteral("b'to everyone'"), QStringLiteral("b'still here'")}));
}

void tst_Panels::selectedConnectionsFilterShowsOnlyTheirRows()
{
    TcpServerPanel server(new TcpServerSession(1));
    TcpClientPanel first(new TcpClientSession(2));
    TcpClientPanel second(new TcpClientSession(3));
    QVERIFY(showAll({&server, &first, &second}));
    clickListenOnLoopback(server);
    QTRY_VERIFY2(server.server()->isListening(), qPrintable(server.statusText()));
    clickConnect(first, listeningPort(server));
    QTRY_VERIFY2(isConnected(first), qPrintable(first.statusText()));
    QTRY_VERIFY(connectionRowOf(server, first) >= 0);
    clickConnect(second, listeningPort(server));
    QTRY_VERIFY2(isConnected(second), qPrintable(second.statusText()));
    QTRY_VERIFY(connectionRowOf(server, second) >= 0);
    typeAndPressCtrlEnter(first, QStringLiteral("from first"));
    typeAndPressCtrlEnter(second, QStringLiteral("from second"));
    QTRY_COMPARE(logTexts(server.logModel(), EventType::Received).size(), 2);

    const QAbstractItemModel *shown = server.logView()->tableView()->model();
    const TrafficLogModel *log = server.logModel();
    QCOMPARE(shown->rowCount(), log->rowCount());
    const auto rowsOf = [log](int connectionId) {
        int count = 0;
        for (int row = 0; row < log->rowCount(); ++row)
            count += log->index(row, 0).data(TrafficLogModel::ConnectionRole).toInt()
                     == connectionId;
        return count;
    };
    const auto shownConnections = [shown] {
        QSet<int> ids;
        for (int row = 0; row < shown->rowCount(); ++row)
            ids.insert(shown->index(row, 0).data(TrafficLogModel::ConnectionRole).toInt());
        return ids;
    };

    auto *filterBox = find<QComboBox>(&server, "logFilterBox");
    const int firstId = connectionIdOf(server, first);
    const int secondId = connectionIdOf(server, second);

    clickRow(server.connectionView(), connectionRowOf(server, first));
    filterBox->setCurrentIndex(filterBox->findText(QStringLiteral("Selected connections")));
    QCOMPARE(shownConnections(), QSet<int>{firstId}); // not even the "listening" row
    QCOMPARE(shown->rowCount(), rowsOf(firstId));
    QCOMPARE(logTexts(shown, EventType::Received), QStringList{QStringLiteral("b'from first'")});

    // The filter follows the selection.
    clickRow(server.connectionView(), connectionRowOf(server, second));
    QCOMPARE(shownConnections(), QSet<int>{secondId});
    QCOMPARE(shown->rowCount(), rowsOf(secondId));
    QCOMPARE(logTexts(shown, EventType::Received), QStringList{QStringLiteral("b'from second'")});

    // None selected: "Selected connections" shows none, not all.
    server.connectionView()->clearSelection();
    QCOMPARE(shown->rowCount(), 0);

    filterBox->setCurrentIndex(filterBox->findText(QStringLiteral("All connections")));
    QCOMPARE(shown->rowCount(), log->rowCount());
}

void tst_Panels::everyControlHasATooltip_data()
{
    QTest::addColumn<PanelKind>("kind");
    QTest::newRow("TCP server") << PanelKind::TcpServer;
    QTest::newRow("TCP client") << PanelKind::TcpClient;
    QTest::newRow("UDP peer") << PanelKind::UdpPeer;
}

void tst_Panels::everyControlHasATooltip()
{
    // The lesson's concepts are in the tooltips ("bind((address, port)): ..."): a control
    // without one is a concept the class cannot look up.
    QFETCH(PanelKind, kind);
    const std::unique_ptr<SessionPanel> panel = createPanel(kind);

    QStringList checked;
    QStringList missing;
    const QList<QWidget *> widgets = panel->findChildren<QWidget *>();
    for (const QWidget *widget : widgets) {
        if (!isOwnControl(widget, panel.get()))
            continue;
        checked.append(describe(widget));
        if (widget->toolTip().trimmed().isEmpty())
            missing.append(describe(widget));
    }
    // Guards the filter above: it must not skip the controls this test is about.
    QVERIFY2(checked.size() >= 10, qPrintable(checked.join(u'\n')));
    QVERIFY2(missing.isEmpty(),
             qPrintable(QStringLiteral("no tooltip: ") + missing.join(QStringLiteral(", "))));
}

void tst_Panels::everyLessonViewHasATooltip()
{
    // The side panel: its tabs, the pictures and their controls say what they show.
    LessonViews views;
    QStringList checked;
    QStringList missing;
    for (const QWidget *widget : views.findChildren<QWidget *>()) {
        if (!isOwnControl(widget, &views))
            continue;
        checked.append(describe(widget));
        if (widget->toolTip().trimmed().isEmpty())
            missing.append(describe(widget));
    }
    QVERIFY2(checked.size() >= 3, qPrintable(checked.join(u'\n'))); // copy, save, connection
    QVERIFY2(missing.isEmpty(),
             qPrintable(QStringLiteral("no tooltip: ") + missing.join(QStringLiteral(", "))));
    QVERIFY(!views.mapView()->toolTip().isEmpty());
    auto *tabs = views.findChild<QTabWidget *>(QStringLiteral("lessonViewTabs"));
    QVERIFY(tabs);
    QCOMPARE(tabs->count(), 3);
    for (int i = 0; i < tabs->count(); ++i)
        QVERIFY2(!tabs->tabToolTip(i).isEmpty(), qPrintable(tabs->tabText(i)));
}

void tst_Panels::fieldOnceMarkedInvalidFollowsTheFont()
{
    // A port typed wrong, then right: the red border comes and goes, and the field must
    // still grow with presentation mode's font like every other.
    const std::unique_ptr<SessionPanel> panel = createPanel(PanelKind::TcpClient);
    auto *port = panel->findChild<PortBox *>(QStringLiteral("portBox"));
    QVERIFY(port);
    port->setText(QStringLiteral("70000"));
    QVERIFY(!port->styleSheet().isEmpty());
    port->setText(QStringLiteral("1337"));
    QVERIFY(port->styleSheet().isEmpty());
    QFont big = panel->font();
    big.setPointSizeF(big.pointSizeF() * 1.6);
    panel->setFont(big);
    QCOMPARE(port->font().pointSizeF(), big.pointSizeF());
}

void tst_Panels::focusGoesWhereTheNextStepIs()
{
    // Connect disables itself; left to Qt, the focus went on to the recv size box and the
    // message the instructor typed next became a recv size.
    TcpServerPanel server(new TcpServerSession(1));
    TcpClientPanel client(new TcpClientSession(2));
    UdpPeerPanel peer(new UdpPeerSession(3));
    QVERIFY(showAll({&server, &client, &peer}));

    clickListenOnLoopback(server);
    QTRY_VERIFY2(server.server()->isListening(), qPrintable(server.statusText()));
    QCOMPARE(server.focusWidget(), server.connectionView());

    auto *recvSizeBox = find<QSpinBox>(&client, "recvSizeBox");
    const int recvSize = recvSizeBox->value();
    clickConnect(client, listeningPort(server));
    QCOMPARE(client.focusWidget(), sendEditor(client));
    QTRY_VERIFY2(isConnected(client), qPrintable(client.statusText()));
    QCOMPARE(client.focusWidget(), sendEditor(client));
    QTest::keyClicks(client.focusWidget(), QStringLiteral("12"));
    QCOMPARE(client.sendBox()->text(), QStringLiteral("12"));
    QCOMPARE(recvSizeBox->value(), recvSize);

    // Close disables itself too: the focus goes to Connect, the next step, not on down the
    // chain.
    click(&client, "closeButton");
    QTRY_VERIFY(!isConnected(client));
    QCOMPARE(client.focusWidget(), find<QWidget>(&client, "connectButton"));

    clickBindOnLoopback(peer);
    QTRY_VERIFY2(peer.peer()->isBoundExplicitly(), qPrintable(peer.statusText()));
    QCOMPARE(peer.focusWidget(), sendEditor(peer));

    // Focusing the send box focuses its editor.
    peer.logView()->tableView()->setFocus();
    peer.sendBox()->setFocus();
    QCOMPARE(peer.focusWidget(), sendEditor(peer));
}

void tst_Panels::serverSendTargetFollowsTheConnections()
{
    TcpServerPanel server(new TcpServerSession(1));
    TcpClientPanel first(new TcpClientSession(2));
    TcpClientPanel second(new TcpClientSession(3));
    QVERIFY(showAll({&server, &first, &second}));
    QPushButton *send = sendButton(server);
    clickListenOnLoopback(server);
    QTRY_VERIFY2(server.server()->isListening(), qPrintable(server.statusText()));
    QVERIFY(!send->isEnabled());
    QVERIFY2(send->toolTip().contains(QStringLiteral("Nobody")), qPrintable(send->toolTip()));

    // Connected and selected: the hint names it, never "nobody is connected yet".
    clickConnect(first, listeningPort(server));
    QTRY_COMPARE(server.selectedConnectionIds(), QList<int>{1});
    QTRY_VERIFY(send->isEnabled());
    QCOMPARE(send->text(), QStringLiteral("Send to #1"));
    QVERIFY2(!sendEditor(server)->placeholderText().contains(QStringLiteral("Nobody")),
             qPrintable(sendEditor(server)->placeholderText()));

    // Its only connection closed: a disabled button names no target.
    click(&server, "sendToAllBox");
    QCOMPARE(send->text(), QStringLiteral("Send to the 1 connection"));
    click(&first, "closeButton");
    QTRY_COMPARE(server.server()->openConnectionCount(), 0);
    // The panel follows closes within ConnectionsRefreshMs (storms are coalesced).
    QTRY_VERIFY(!send->isEnabled());
    QCOMPARE(send->text(), QStringLiteral("Send"));
    click(&server, "sendToAllBox");
    QVERIFY(!send->isEnabled());
    QCOMPARE(send->text(), QStringLiteral("Send"));

    // The selected connection is closed: the next one to arrive is selected instead, so
    // the instructor can answer the new student straight away.
    clickConnect(second, listeningPort(server));
    QTRY_COMPARE(server.selectedConnectionIds(), QList<int>{2});
    QTRY_VERIFY(send->isEnabled());
    QCOMPARE(send->text(), QStringLiteral("Send to #2"));
}

void tst_Panels::serverPanelFollowsAClassInBatches()
{
    // A class connecting at once: the panel's title, buttons and send target are brought
    // up to date once per ConnectionsRefreshMs, not once per accept (with 10,000 clients
    // that was a third of the event loop), and end right.
    constexpr int Class = 30;
    TcpServerPanel server(new TcpServerSession(1));
    QVERIFY(showAll({&server}));
    clickListenOnLoopback(server);
    QTRY_VERIFY2(server.server()->isListening(), qPrintable(server.statusText()));
    click(&server, "sendToAllBox");
    QSignalSpy titles(&server, &SessionPanel::titleChanged);
    // All connected (the kernel completes the handshakes) before the app accepts any.
    std::vector<std::unique_ptr<QTcpSocket>> students;
    for (int i = 0; i < Class; ++i) {
        auto socket = std::make_unique<QTcpSocket>();
        socket->connectToHost(QHostAddress::LocalHost, listeningPort(server));
        QVERIFY(socket->waitForConnected(5000));
        students.push_back(std::move(socket));
    }
    QTRY_COMPARE(server.server()->openConnectionCount(), Class);
    QTRY_COMPARE(sendButton(server)->text(),
                 QStringLiteral("Send to all %1 connections").arg(Class));
    QVERIFY2(titles.count() <= 3, qPrintable(QString::number(titles.count())));
}

void tst_Panels::serverConnectionButtonsFollowWhatEachCanDo()
{
    TcpServerPanel server(new TcpServerSession(1));
    TcpClientPanel client(new TcpClientSession(2));
    QVERIFY(showAll({&server, &client}));
    clickListenOnLoopback(server);
    QTRY_VERIFY2(server.server()->isListening(), qPrintable(server.statusText()));
    QCOMPARE(connectionButtons(server), QStringLiteral("off off off"));
    clickConnect(client, listeningPort(server));
    QTRY_COMPARE(server.selectedConnectionIds(), QList<int>{1});
    QTRY_COMPARE(connectionButtons(server), QStringLiteral("on on on"));

    // More than the kernel's buffers hold, to a client that does not read: the server's
    // queue stays full, so the half-close and the close below both wait for it.
    client.client()->setReadingPaused(true);
    QVERIFY(server.server()->send(1, QByteArray(32 * 1024 * 1024, 'x')));

    // Half-closed (FIN pending): it can no longer send, but can still be closed.
    click(&server, "halfCloseButton");
    QVERIFY(!server.server()->connection(1)->canSend());
    QCOMPARE(connectionButtons(server), QStringLiteral("on on off"));

    // Closing (queue still being written): only Abort still does something.
    click(&server, "closeButton");
    QCOMPARE(server.server()->connection(1)->state(), ConnectionState::Closing);
    QCOMPARE(connectionButtons(server), QStringLiteral("off on off"));

    click(&server, "abortButton");
    QTRY_COMPARE(server.server()->connection(1)->state(), ConnectionState::Closed);
    QCOMPARE(connectionButtons(server), QStringLiteral("off off off"));
}

void tst_Panels::invalidGreetingIsNotSentAndSaysSo()
{
    TcpServerPanel server(new TcpServerSession(1));
    TcpClientPanel client(new TcpClientSession(2));
    QVERIFY(showAll({&server, &client}));
    auto *greetingEdit = find<QLineEdit>(&server, "greetingEdit");
    typeOver(greetingEdit, QStringLiteral("Hello\\n"));
    QCOMPARE(server.server()->greeting(), QByteArray("Hello\n"));

    // A bad escape: the old greeting is not sent in its place, and the status says why.
    QTest::keyClicks(greetingEdit, QStringLiteral("\\x4"));
    QVERIFY(server.server()->greeting().isEmpty());
    const QString problem = server.statusText();
    QVERIFY2(problem.startsWith(QStringLiteral("Greeting not sent while it is invalid: ")),
             qPrintable(problem));

    // Listening does not hide it; nothing reaches the client before the marker.
    clickListenOnLoopback(server);
    QTRY_VERIFY2(server.server()->isListening(), qPrintable(server.statusText()));
    QCOMPARE(server.statusText(), problem);
    clickConnect(client, listeningPort(server));
    QTRY_COMPARE(server.selectedConnectionIds(), QList<int>{1});
    typeAndPressCtrlEnter(server, QStringLiteral("marker"));
    QTRY_COMPARE(logTexts(client.logModel(), EventType::Received),
                 QStringList{QStringLiteral("b'marker'")});

    // Fixed: in force again, and the status line is cleared.
    QTest::keyClicks(greetingEdit, QStringLiteral("1"));
    QCOMPARE(server.server()->greeting(), QByteArray("Hello\n\x41"));
    QVERIFY2(server.statusText().isEmpty(), qPrintable(server.statusText()));
}

void tst_Panels::udpBadDestinationIsSaidInTheStatusLine()
{
    UdpPeerPanel peer(new UdpPeerSession(1));
    QVERIFY(showAll({&peer}));
    // Empty is where a tab starts, not a mistake.
    QVERIFY(peer.destination().isEmpty());
    QVERIFY2(peer.statusText().isEmpty(), qPrintable(peer.statusText()));

    auto *destinationEdit = find<QLineEdit>(&peer, "destinationEdit");
    typeOver(destinationEdit, QStringLiteral("127.0.0.1:99999"));
    QVERIFY(!peer.destinationError().isEmpty());
    QCOMPARE(peer.statusText(), peer.destinationError());
    QVERIFY(find<QLabel>(&peer, "statusLabel")->isVisible());

    typeOver(destinationEdit, QStringLiteral("127.0.0.1:9999"));
    QVERIFY(peer.destinationError().isEmpty());
    QVERIFY2(peer.statusText().isEmpty(), qPrintable(peer.statusText()));
}

void tst_Panels::udpImplicitBindLeavesTheFieldsUsable()
{
    UdpPeerPanel sender(new UdpPeerSession(1));
    UdpPeerPanel receiver(new UdpPeerSession(2));
    QVERIFY(showAll({&sender, &receiver}));
    clickBindOnLoopback(receiver);
    QTRY_VERIFY2(receiver.peer()->isBoundExplicitly(), qPrintable(receiver.statusText()));

    // sendto() without bind(): the system picks the sender's port.
    typeOver(find<QLineEdit>(&sender, "destinationEdit"),
             receiver.peer()->localAddress().toString());
    typeAndPressCtrlEnter(sender, QStringLiteral("hi"));
    QTRY_VERIFY(sender.peer()->isBound());
    QVERIFY(!sender.peer()->isBoundExplicitly());
    const quint16 picked = sender.peer()->localAddress().port;
    QVERIFY(picked != 0);

    // Bind still works, with what the fields say: they must be usable with it.
    QVERIFY(find<QPushButton>(&sender, "bindButton")->isEnabled());
    QVERIFY(find<QComboBox>(&sender, "bindBox")->isEnabled());
    QVERIFY(find<QLineEdit>(&sender, "portBox")->isEnabled());
    // The picked port is in the state, said to be the system's, not the field's.
    const QString state = find<QLabel>(&sender, "stateLabel")->text();
    QVERIFY2(state.contains(QString::number(picked)) && state.contains(QStringLiteral("system")),
             qPrintable(state));
    QCOMPARE(find<QLineEdit>(&sender, "portBox")->text(), QStringLiteral("1337"));

    clickBindOnLoopback(sender);
    QTRY_VERIFY2(sender.peer()->isBoundExplicitly(), qPrintable(sender.statusText()));
    QVERIFY(!find<QComboBox>(&sender, "bindBox")->isEnabled());
    QVERIFY(!find<QLineEdit>(&sender, "portBox")->isEnabled());
}

void tst_Panels::sendOptionIsKeptInTheSpec_data()
{
    QTest::addColumn<PanelKind>("kind");
    QTest::newRow("tcp") << PanelKind::TcpClient;
    QTest::newRow("udp") << PanelKind::UdpPeer;
}

void tst_Panels::sendOptionIsKeptInTheSpec()
{
    // A workspace saved after the send= text went out must still have it.
    QFETCH(PanelKind, kind);
    TcpServerPanel server(new TcpServerSession(1));
    UdpPeerPanel receiver(new UdpPeerSession(2));
    QVERIFY(showAll({&server, &receiver}));
    const SessionPanel *target = &server;
    QString endpoint;
    if (kind == PanelKind::TcpClient) {
        clickListenOnLoopback(server);
        QTRY_VERIFY2(server.server()->isListening(), qPrintable(server.statusText()));
        endpoint = QStringLiteral("tcp://127.0.0.1:%1?send=hi").arg(listeningPort(server));
    } else {
        clickBindOnLoopback(receiver);
        QTRY_VERIFY2(receiver.peer()->isBoundExplicitly(), qPrintable(receiver.statusText()));
        endpoint = QStringLiteral("udp://127.0.0.1:0?send=hi&to=%1")
                       .arg(receiver.peer()->localAddress().toString());
        target = &receiver;
    }
    const EndpointParseResult parsed = parseEndpoint(endpoint);
    QVERIFY2(parsed.ok(), qPrintable(parsed.error));

    const std::unique_ptr<SessionPanel> panel = createPanel(kind, 3);
    panel->applySpec(*parsed.spec);
    QCOMPARE(panel->currentSpec().options.send, std::optional<QByteArray>("hi"));
    panel->start();
    QTRY_COMPARE(logTexts(target->logModel(), EventType::Received),
                 QStringList{QStringLiteral("b'hi'")});
    QCOMPARE(panel->currentSpec().options.send, std::optional<QByteArray>("hi"));
    QVERIFY2(panel->currentSpec().toString().contains(QStringLiteral("send=hi")),
             qPrintable(panel->currentSpec().toString()));
}

void tst_Panels::recentHostsLeaveTheStatusAlone()
{
    // Every client tab gets the recent hosts when any of them connects: a tab showing why
    // its own connect failed must keep showing it.
    TcpClientPanel client(new TcpClientSession(1));
    QVERIFY(showAll({&client}));
    const quint16 port = refusedPort();
    QVERIFY(port != 0);
    clickConnect(client, port);
    QTRY_VERIFY(!client.client()->lastError().isEmpty());
    const QString refused = client.statusText();
    QCOMPARE(refused, client.client()->lastError());

    QSignalSpy titles(&client, &SessionPanel::titleChanged);
    QSignalSpy statuses(&client, &SessionPanel::statusChanged);
    client.setRecentHosts({QStringLiteral("192.0.2.1"), QStringLiteral("example.org")});
    QCOMPARE(client.recentHosts(),
             (QStringList{QStringLiteral("192.0.2.1"), QStringLiteral("example.org")}));
    QCOMPARE(client.host(), Loopback);
    QCOMPARE(client.statusText(), refused);
    QCOMPARE(statuses.count(), 0);
    QVERIFY2(titles.count() <= 1, qPrintable(QString::number(titles.count())));
}

void tst_Panels::bindAddressBoxIsSharedByServerAndUdp()
{
    TcpServerPanel server(new TcpServerSession(1));
    UdpPeerPanel peer(new UdpPeerSession(2));
    for (SessionPanel *panel : std::initializer_list<SessionPanel *>{&server, &peer}) {
        auto *box = find<BindAddressBox>(panel, "bindBox");
        QCOMPARE(box->itemText(0), QStringLiteral("All interfaces (0.0.0.0)"));
        QCOMPARE(box->host(), QStringLiteral("0.0.0.0"));
        const QStringList lessonChoices{QStringLiteral("0.0.0.0"),
                                        QStringLiteral("127.0.0.1"),
                                        QStringLiteral("::"),
                                        QStringLiteral("::1")};
        for (int i = 0; i < lessonChoices.size(); ++i)
            QCOMPARE(box->itemData(i).toString(), lessonChoices.at(i));
        box->setHost(QStringLiteral("::1"));
        QCOMPARE(box->currentIndex(), 3);
        // A host from a workspace that is not in the list is added, not dropped.
        const int count = box->count();
        box->setHost(QStringLiteral("localhost"));
        QCOMPARE(box->count(), count + 1);
        QCOMPARE(box->host(), QStringLiteral("localhost"));
    }
    QCOMPARE(server.bindHost(), QStringLiteral("localhost"));
    QCOMPARE(peer.bindHost(), QStringLiteral("localhost"));
}

void tst_Panels::portFieldSaysWhatIsWrong_data()
{
    QTest::addColumn<PanelKind>("kind");
    QTest::addColumn<QString>("reason");
    const QString anyPort = QStringLiteral("a port is a number from 0 to 65535");
    QTest::newRow("TCP server") << PanelKind::TcpServer << anyPort;
    QTest::newRow("TCP client") << PanelKind::TcpClient
                                << QStringLiteral("a port is a number from 1 to 65535");
    QTest::newRow("UDP peer") << PanelKind::UdpPeer << anyPort;
}

void tst_Panels::portFieldSaysWhatIsWrong()
{
    // A spin box dropped the last digit of 70000 and went on with 7000, unnoticed.
    QFETCH(PanelKind, kind);
    QFETCH(QString, reason);
    const std::unique_ptr<SessionPanel> panel = createPanel(kind);
    QVERIFY(showAll({panel.get()}));
    auto *portBox = find<PortBox>(panel.get(), "portBox");
    auto *start = find<QPushButton>(panel.get(), startButtonName(kind));
    QVERIFY(start->isEnabled());

    typeOver(portBox, QStringLiteral("70000"));
    QCOMPARE(portBox->text(), QStringLiteral("70000"));
    QVERIFY(!portBox->isValid());
    QVERIFY2(portBox->toolTip().contains(reason), qPrintable(portBox->toolTip()));
    QVERIFY2(panel->statusText().contains(reason), qPrintable(panel->statusText()));
    QVERIFY(!start->isEnabled());
    QCOMPARE(start->toolTip(), portBox->errorString());
    QVERIFY2(!panel->title().endsWith(QStringLiteral(":7000")), qPrintable(panel->title()));
    // Start from a menu or the Enter key does nothing either.
    panel->start();
    QVERIFY(!panel->isStarted());
    // Neither a step key nor leaving the field changes the text behind the user's back.
    QTest::keyClick(portBox, Qt::Key_Up);
    panel->logView()->tableView()->setFocus();
    QCOMPARE(portBox->text(), QStringLiteral("70000"));
    QVERIFY(!start->isEnabled());

    typeOver(portBox, QStringLiteral("port"));
    QVERIFY(!portBox->isValid());
    QVERIFY(!start->isEnabled());

    typeOver(portBox, QStringLiteral("7000"));
    QVERIFY(portBox->isValid());
    QCOMPARE(portBox->value(), quint16(7000));
    QVERIFY(start->isEnabled());
    QVERIFY2(panel->statusText().isEmpty(), qPrintable(panel->statusText()));
    QVERIFY(!portBox->toolTip().contains(reason));
    if (kind == PanelKind::TcpClient)
        QVERIFY2(panel->title().endsWith(QStringLiteral(":7000")), qPrintable(panel->title()));
}

void tst_Panels::manualAcceptIsAStepOfItsOwn()
{
    TcpServerPanel server(new TcpServerSession(1));
    QVERIFY(showAll({&server}));
    click(&server, "autoAcceptBox"); // untick: accept() becomes a click
    QVERIFY(find<QPushButton>(&server, "acceptNextButton")->isVisible());
    clickListenOnLoopback(server);
    QTRY_VERIFY(server.server()->isListening());
    TcpClientSession first(2);
    TcpClientSession second(3);
    first.connectToHost(Loopback, listeningPort(server));
    second.connectToHost(Loopback, listeningPort(server));
    // Their connect() returned, yet no row: they wait in the backlog.
    QTRY_COMPARE(first.state(), ConnectionState::Connected);
    QTRY_COMPARE(second.state(), ConnectionState::Connected);
    auto *waiting = find<QLabel>(&server, "waitingLabel");
    QTRY_COMPARE(waiting->text(), QStringLiteral("2 waiting in the backlog"));
    QCOMPARE(server.connectionView()->model()->rowCount(), 0);

    click(&server, "acceptNextButton");
    QTRY_COMPARE(server.connectionView()->model()->rowCount(), 1);
    QCOMPARE(waiting->text(), QStringLiteral("1 waiting in the backlog"));
    click(&server, "acceptAllButton");
    QTRY_COMPARE(server.connectionView()->model()->rowCount(), 2);
    QVERIFY(!find<QPushButton>(&server, "acceptNextButton")->isEnabled());
}

void tst_Panels::pauseReadingShowsTheKernelQueue()
{
    TcpServerPanel server(new TcpServerSession(1));
    QVERIFY(showAll({&server}));
    clickListenOnLoopback(server);
    QTRY_VERIFY(server.server()->isListening());
    TcpClientSession client(2);
    client.connectToHost(Loopback, listeningPort(server));
    QTRY_COMPARE(server.connectionView()->model()->rowCount(), 1);
    QTRY_VERIFY(server.connectionView()->selectionModel()->hasSelection());

    click(&server, "pauseButton");
    QVERIFY(server.server()->connection(1)->isReadingPaused());
    QVERIFY(client.send("waiting in the kernel"));
    // The bytes sit in the kernel's receive queue, and the panel says so, live.
    auto *queues = find<QLabel>(&server, "queuesLabel");
    QTRY_VERIFY2(queues->text().contains(QLatin1String("21 bytes received, not yet read "
                                                       "(reading paused)")),
                 qPrintable(queues->text()));
    QVERIFY(!logTexts(server.logView()->tableView()->model(), EventType::Received)
                 .contains(QStringLiteral("b'waiting in the kernel'")));

    click(&server, "pauseButton");
    QTRY_VERIFY(logTexts(server.logView()->tableView()->model(), EventType::Received)
                    .contains(QStringLiteral("b'waiting in the kernel'")));
}

void tst_Panels::clientPauseReadingFillsTheKernelQueue()
{
    TcpServerSession server(1);
    server.listen(Loopback, 0);
    TcpClientPanel client(new TcpClientSession(2));
    QVERIFY(showAll({&client}));
    QVERIFY(!find<QPushButton>(&client, "pauseButton")->isEnabled()); // nothing to pause
    clickConnect(client, server.listenAddress().port);
    QTRY_VERIFY(isConnected(client));
    QTRY_COMPARE(server.connectionCount(), 1);
    click(&client, "pauseButton");
    QVERIFY(server.send(1, "for later"));
    auto *queues = find<QLabel>(&client, "queuesLabel");
    QTRY_VERIFY2(queues->text().contains(QLatin1String("9 bytes received, not yet read "
                                                       "(reading paused)")),
                 qPrintable(queues->text()));
    click(&client, "pauseButton");
    QTRY_VERIFY(logTexts(client.logView()->tableView()->model(), EventType::Received)
                    .contains(QStringLiteral("b'for later'")));
}

void tst_Panels::changingTheSelectionNeverResumesReading()
{
    TcpServerPanel server(new TcpServerSession(1));
    QVERIFY(showAll({&server}));
    clickListenOnLoopback(server);
    QTRY_VERIFY(server.server()->isListening());
    TcpClientSession first(2);
    first.connectToHost(Loopback, listeningPort(server));
    QTRY_COMPARE(server.connectionView()->model()->rowCount(), 1);
    TcpClientSession second(3);
    second.connectToHost(Loopback, listeningPort(server));
    QTRY_COMPARE(server.connectionView()->model()->rowCount(), 2);
    clickRow(server.connectionView(), 0);
    click(&server, "pauseButton");
    QVERIFY(server.server()->connection(1)->isReadingPaused());
    // Selecting another row (and both) only shows state; #1 stays paused.
    clickRow(server.connectionView(), 1);
    server.connectionView()->selectAll();
    QVERIFY(server.server()->connection(1)->isReadingPaused());
    QVERIFY(!server.server()->connection(2)->isReadingPaused());
}

QTEST_MAIN(tst_Panels)

#include "tst_panels.moc"
