"""The Keras code blocks of the course, verbatim (Keras imports, printed output and all).

`course_runner.runnable` turns one into the code a student runs with axone: the
import lines swapped, the printed output the course shows removed, and the
listed errata of the course applied. `test_course_text.py` checks that every
block below appears word for word in the course when the course is available.
"""

LECTURE = "000_88dd33d215d8751b.txt"
EXERCISES = "003_7da5ee286f039d73.txt"

BLOCKS = {
    "import_keras": (LECTURE, """\
#Import tensorflow and keras
import tensorflow as tf
from tensorflow import keras
"""),
    "perceptron_iris": (LECTURE, """\
#Package
import numpy as np
from sklearn.datasets import load_iris
from sklearn.linear_model import Perceptron
#Data
iris = load_iris()
X = iris.data[:, (2, 3)] # petal length, petal width
y = (iris.target == 0).astype(np.int) 
#Train model
per_clf = Perceptron()
per_clf.fit(X, y)
#Predict
y_pred = per_clf.predict([[2, 0.5]])
"""),
    "mnist_load_and_split": (LECTURE, """\
#Get data from keras datasets
mnist = keras.datasets.mnist
#Train and test set
(X_train_full, y_train_full), (X_test, y_test) = mnist.load_data()

#Pas de validation set, déja fait.
#On divise pas 255 pour ramener dans l'interval [0,1] et faciliter la descente de gradient
X_valid, X_train = X_train_full[:5000] / 255.0, X_train_full[5000:] /255.0
y_valid, y_train = y_train_full[:5000], y_train_full[5000:]
"""),
    "mnist_shape": (LECTURE, """\
X_train_full.shape
>>(60000, 28, 28)
"""),
    "mnist_sequential_add": (LECTURE, """\
#Définir un model séquentiel
model = keras.models.Sequential()
#Ajouter les couches dans le modèle
model.add(keras.layers.Flatten(input_shape=[28, 28]))
model.add(keras.layers.Dense(300, activation="relu"))
model.add(keras.layers.Dense(100, activation="relu"))
#Couche de sortie, action softmax car multiclass
model.add(keras.layers.Dense(10, activation="softmax"))
"""),
    "mnist_sequential_list": (LECTURE, """\
model = keras.models.Sequential([
keras.layers.Flatten(input_shape=[28, 28]),
keras.layers.Dense(300, activation="relu"),
keras.layers.Dense(100, activation="relu"),
keras.layers.Dense(10, activation="softmax")
])

"""),
    "mnist_summary": (LECTURE, """\

model.summary() 

#Output
Model: "sequential_2"
_________________________________________________________________
 Layer (type)                Output Shape              Param #   
=================================================================
 flatten_2 (Flatten)         (None, 784)               0         
                                                                 
 dense_5 (Dense)             (None, 300)               235500    
                                                                 
 dense_6 (Dense)             (None, 100)               30100     
                                                                 
 dense_7 (Dense)             (None, 10)                1010      
                                                                 
=================================================================
Total params: 266,610
Trainable params: 266,610
Non-trainable params: 0
_________________________________________________________________
"""),
    "mnist_get_weights": (LECTURE, """\
#Obtenir le poids pour les paramètres et biais
w, biais = model.layers[1].get_weights()
#Print weights
print(w)
>>array([[ 0.02804729,  0.06513095,  0.06868796, ...,  0.07075047,
>>        -0.0200577 , -0.00675891],
>>       [-0.06487748,  0.03767272,  0.01864241, ...,  0.05238518,
>>         0.0088407 , -0.07322135],
>>       [ 0.06850776, -0.05723136,  0.03121593, ...,  0.04858249,
>>        -0.03271103,  0.06832977],...
#Format de sortie
print(w.shape)
>>(300,784)
"""),
    "mnist_compile": (LECTURE, """\
#Définir fonction de perte
model.compile(loss="sparse_categorical_crossentropy",
              optimizer="sgd",
              metrics=["accuracy"]
             )
"""),
    "mnist_fit": (LECTURE, """\
train_model = model.fit(X_train, y_train, epochs=30, validation_data=(X_valid, y_valid))
#ou, si pas de data de validation, on peut spécifier un split sur le % de données
train_model = model.fit(X_train, y_train, epochs=30,  validation_split=0.1)
"""),
    "mnist_history": (LECTURE, """\
#Paramètre du modèle
train_model.params
#Dictionnaire modèle history
train_model.history.keys()
>>dict_keys(['loss', 'accuracy', 'val_loss', 'val_accuracy'])
"""),
    "learning_curve": (LECTURE, """\
#Import package
import pandas as pd
import matplotlib.pyplot as plt

#Data to pandas dataframe
pd.DataFrame(history.history).plot(figsize=(8, 5))
plt.grid(True)
plt.gca().set_ylim(0, 1) 
plt.show(    
"""),
    "mnist_evaluate": (LECTURE, """\
train_model.evaluate(x_test, y_test)
"""),
    "mnist_predict_classes": (LECTURE, """\
train_model.predict_classes(X_new)
"""),
    "housing_preprocessing": (LECTURE, """\
#Get package
#On peut toujours faire son pré-processing avec sklearn
from sklearn.datasets import fetch_california_housing
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

#Get data
housing = fetch_california_housing()
#Train and holdout
X_train_full, X_test, y_train_full, y_test = train_test_split(housing.data, housing.target)
#Train data and validation set
X_train, X_valid, y_train, y_valid = train_test_split(X_train_full, y_train_full)
#Scaling features with different size
scaler = StandardScaler()
X_train = scaler.fit_transform(X_train)
X_valid = scaler.transform(X_valid)
X_test = scaler.transform(X_test)
"""),
    "housing_sequential": (LECTURE, """\
#Initialisation du modèle
reg_model = keras.models.Sequential()
#Shape input, number of columns
reg_model.add(keras.layers.Input(shape=8))#input layer
reg_model.add(keras.layers.Dense(500, activation='relu'))#Hidden layer, 500 neurones
reg_model.add(keras.layers.Dense(1))#Output layer

#Compil model parameter
model.compile(loss="mean_squared_error", optimizer="sgd")
#Fit model
history = model.fit(X_train, y_train, epochs=20,validation_data=(X_valid, y_valid))
#Validation out sample
mse_test = model.evaluate(X_test, y_test)
# ATTENTION A BIEN FAIRE X[:k] et pas X[k]
X_new = X_test[:3] # pretend these are new instances
y_pred = model.predict(X_new)

"""),
    "wide_deep_model": (LECTURE, """\
#set seed
from numpy.random import seed
seed(1)
from tensorflow.random import set_seed
set_seed(2)

#Define first layer
input_ = keras.layers.Input(shape=X_train.shape[1:])
#Hidden layer
hidden1 = keras.layers.Dense(30, activation="relu")(input_)
hidden2 = keras.layers.Dense(30, activation="relu")(hidden1)
#Concat first layer and output hidden
concat = keras.layers.Concatenate()([input_, hidden2])
#Output layer
output = keras.layers.Dense(1)(concat)
#define model
model = keras.Model(inputs=[input_], outputs=[output])
 
"""),
    "wide_deep_compile": (LECTURE, """\
model.compile(loss="mse", 
              optimizer=keras.optimizers.SGD(learning_rate=1e-3)
             )
"""),
    "wide_deep_fit": (LECTURE, """\
history = model.fit(X_train, y_train, epochs=20,validation_data=(X_valid, y_valid))
"""),
    "tuning_build_model": (LECTURE, """\
def build_model(n_hidden, n_neurons, lr,input_shape=[8]):
    #Define sequential model
    model = keras.models.Sequential()
    #Input shape
    model.add(keras.layers.InputLayer(input_shape=input_shape))
    #Add hidden layer with loop
    for layer in range(n_hidden):
        model.add(keras.layers.Dense(n_neurons, activation="relu"))
    #Ouput layer    
    model.add(keras.layers.Dense(1))
    #Define optimizer
    optimizer = keras.optimizers.SGD(learning_rate=lr)
    #Compile model
    model.compile(loss="mse", optimizer=optimizer)
    return(model)

"""),
    "tuning_wrap": (LECTURE, """\
from scikeras.wrappers import KerasClassifier, KerasRegressor
keras_reg = KerasRegressor(build_model)
"""),
    "tuning_gridsearch": (LECTURE, """\
#Import fonction? 
from sklearn.model_selection import GridSearchCV #RandomizedSearchCV marche aussi
#Paramètre grille, model__ en suffixe devant nos arguments de fonction def
param_distribs = {
"model__n_hidden": [1, 2, 3],
"model__n_neurons":[50,100,200],
"model__lr":  [0.0001, 0.001, 0.1]
}
#On peut aussi ajouter le nombre epochs : [30] dans la grille

#grid search
rnd_search_cv = GridSearchCV(keras_reg, param_distribs,cv=2)
#Fit model with grid search
rnd_search_cv.fit(X_train, y_train)

print(rnd_search_cv.best_params_, rnd_search_cv.best_score_)
"""),
    "exercise_1_dense": (EXERCISES, """\
from tensorflow.keras.layers import Dense


layer = Dense(units=60)
"""),
    "exercise_2_dense_relu": (EXERCISES, """\
from tensorflow.keras.layers import Dense


Dense(units=60, activation='relu')
"""),
    "exercise_3_sequential": (EXERCISES, """\
from tensorflow.keras import Sequential
from tensorflow.keras.layers import Dense

model = Sequential()
model.add(Dense(units=30, activation='relu'))
model.add(Dense(units=1, activation='linear'))
"""),
    "exercise_4_compile": (EXERCISES, """\
from tensorflow.keras import Sequential
from tensorflow.keras.layers import Dense

model = Sequential()
model.add(Dense(units=30, activation='relu'))
model.add(Dense(units=1, activation='linear'))
model.compile(optimizer='sgd', loss='mse')
"""),
    "exercise_5_houses": (EXERCISES, """\
import pandas as pd
import numpy as np
from sklearn.model_selection import train_test_split
from tensorflow.keras import Sequential
from tensorflow.keras.layers import Dense

df = pd.read_csv('houses.csv')
X = df.iloc[:, :2].values
y = df.iloc[:, -1].values
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=0)


model = Sequential()
model.add(Dense(units=30, activation='relu'))
model.add(Dense(units=1, activation='linear'))
model.compile(optimizer='sgd', loss='mse')

model.fit(X_train, y_train, epochs=1)
"""),
    "exercise_7_softmax_layer": (EXERCISES, """\
from tensorflow.keras.layers import Dense


layer = Dense(units=10, activation='softmax')
"""),
    "exercise_8_tumor_model": (EXERCISES, """\
from tensorflow.keras import Sequential
from tensorflow.keras.layers import Dense

model = Sequential()
model.add(Dense(units=20, activation='relu', input_shape=[2]))
model.add(Dense(units=2, activation='softmax'))
"""),
    "exercise_9_tumors": (EXERCISES, """\
import pandas as pd
import numpy as np
from sklearn.model_selection import train_test_split
from tensorflow.keras import Sequential
from tensorflow.keras.layers import Dense

df = pd.read_csv('tumors.csv')
X = df.iloc[:, :2].values
y = df.iloc[:, -1].values
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=0)


model = Sequential()
model.add(Dense(units=30, activation='relu', input_shape=[2]))
model.add(Dense(units=15, activation='linear'))
model.add(Dense(units=2, activation='softmax'))
model.compile(optimizer='sgd', loss='sparse_categorical_crossentropy')

model.fit(X_train, y_train, epochs=3)
"""),
}
