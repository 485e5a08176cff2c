#include "lessonviews.h"

#include "pythonmirrorview.h"
#include "socketmapview.h"

#include <QLabel>
#include <QTabWidget>
#include <QVBoxLayout>

LessonViews::LessonViews(QWidget *parent)
    : QWidget(parent)
{
    m_tabs = new QTabWidget(this);
    m_tabs->setObjectName(QStringLiteral("lessonViewTabs"));
    m_tabs->setDocumentMode(true);

    m_mirrorView = new PythonMirrorView(m_tabs);
    m_tabs->addTab(m_mirrorView, tr("Python"));
    m_tabs->setTabToolTip(0,
                          tr("The Python code that does what this tab has done so far "
                             "(Ctrl+Shift+Y)"));

    m_mapPage = new QWidget(m_tabs);
    QWidget *mapPage = m_mapPage;
    m_mapTitle = new QLabel(mapPage);
    m_mapTitle->setTextFormat(Qt::PlainText);
    m_mapTitle->setWordWrap(true);
    m_mapView = new SocketMapView(mapPage);
    m_mapView->setObjectName(QStringLiteral("socketMap"));
    m_mapView->setToolTip(tr("Every socket of this tab: the listening socket, one socket per "
                             "accepted connection (accept() returns a new one each time) and "
                             "a line to each peer. A pulse runs along a line when bytes move, "
                             "in the direction they go."));
    auto *mapLayout = new QVBoxLayout(mapPage);
    mapLayout->setContentsMargins(4, 4, 4, 4);
    mapLayout->addWidget(m_mapTitle);
    mapLayout->addWidget(m_mapView, 1);
    m_tabs->addTab(mapPage, tr("Socket map"));
    m_tabs->setTabToolTip(1, tr("The sockets of this tab and their peers, live (Ctrl+Shift+M)"));

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_tabs);

    connect(m_tabs, &QTabWidget::currentChanged, this, [this] {
        emit currentViewChanged(currentView());
    });
    setSession(nullptr, nullptr, QString());
}

void LessonViews::setSession(PythonMirror *mirror, SocketMapModel *map, const QString &title)
{
    m_mirrorView->setMirror(mirror, title);
    m_mapView->setModel(map);
    m_mapTitle->setText(map ? tr("Sockets of %1").arg(title) : tr("Open a tab to see its sockets."));
}

LessonViews::View LessonViews::currentView() const
{
    return m_tabs->currentWidget() == m_mapPage ? View::Map : View::Python;
}

void LessonViews::setCurrentView(View view)
{
    m_tabs->setCurrentWidget(view == View::Map ? m_mapPage : static_cast<QWidget *>(m_mirrorView));
}

void LessonViews::setLineWidthScale(qreal scale)
{
    m_mapView->setLineWidthScale(scale);
}
